import { type Response, Router } from 'express';
import { z } from 'zod';
import { formErrors, parseForm } from '../web/forms.js';
import type { Translate } from '../web/i18n.js';
import { redirectWithFlash, renderFormErrors, renderPage } from '../web/render.js';
import { checkbox } from '../web/schema-helpers.js';
import { newPasswordSchema } from './auth.schemas.js';
import type { InvitationService } from './invitations.js';

const acceptSchema = newPasswordSchema.and(
  z.object({ accept_privacy: checkbox.refine((v) => v, 'invitation.errors.privacy_required') }),
);

const tOf = (res: Response) => res.locals.t as Translate;

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
    const locals = { title: t('invitation.title'), invitee, token };
    const form = parseForm(acceptSchema, req.body, t);
    if (!form.ok) return renderFormErrors(res, 'auth/invitation', form.errors, form.values, locals);
    const result = await invitations.accept(token, form.data.password);
    if (!result.ok) {
      if (result.problem === 'invalid_link') return invalid(res);
      const errors = formErrors(t, [{ field: 'password', messageKey: result.problem }]);
      return renderFormErrors(res, 'auth/invitation', errors, { accept_privacy: '1' }, locals);
    }
    redirectWithFlash(res, '/login', 'invitation.done');
  });

  return router;
}
