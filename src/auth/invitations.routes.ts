import { type Response, Router } from 'express';
import { z } from 'zod';
import { handleForm, refuse, showView } from '../web/form-post.js';
import { renderPage, tOf } from '../web/render.js';
import { checkbox } from '../web/schema-helpers.js';
import { newPasswordSchema } from './auth.schemas.js';
import type { InvitationService } from './invitations.js';
import { startNewSession } from './passport.js';

const acceptSchema = newPasswordSchema.and(
  z.object({ accept_privacy: checkbox.refine((v) => v, 'invitation.errors.privacy_required') }),
);

/** The page an invitation mail links to: choose a password, accept the privacy notice. */
export function createInvitationsRouter(invitations: InvitationService): Router {
  const router = Router();

  const invalid = (res: Response) =>
    renderPage(res, 'auth/invitation-invalid', { title: tOf(res)('invitation.invalid.title') }, 410);

  router.get('/invitations/:token', (req, res) => {
    const invitee = invitations.findInvitee(req.params.token);
    if (!invitee) return invalid(res);
    renderPage(res, 'auth/invitation', {
      title: tOf(res)('invitation.title'),
      invitee,
      token: req.params.token,
    });
  });

  router.post('/invitations/:token', async (req, res) => {
    const t = tOf(res);
    const token = req.params.token;
    const invitee = invitations.findInvitee(token);
    if (!invitee) return invalid(res);
    return handleForm(req, res, {
      schema: acceptSchema,
      show: showView(res, 'auth/invitation', { title: t('invitation.title'), invitee, token }),
      submit: async (data) => {
        const result = await invitations.accept(token, data.password, req.ip ?? 'unknown');
        if (result.ok && !result.signIn) return { redirect: '/login', flash: 'invitation.done' };
        if (result.ok) {
          // A new session id, as at every sign-in; the production two-factor gate still sends
          // officers and admins to enrol before anything else.
          await startNewSession(req, res, { id: result.userId });
          return { redirect: '/', flash: 'invitation.done_signed_in' };
        }
        if (result.problem !== 'invalid_link') {
          return refuse('password', result.problem, { values: { accept_privacy: '1' } });
        }
        invalid(res);
        return undefined;
      },
    });
  });

  return router;
}
