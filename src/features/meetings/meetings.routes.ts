import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Actor } from '../../auth/policy.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { toLocalInputValue } from '../../web/dates.js';
import { handleForm, showView } from '../../web/form-post.js';
import { checkedValues, type FormErrors, noErrors, parseForm, submittedValues } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin, requireRole } from '../../web/guards.js';
import { redirectWithFlash, renderPage, tOf } from '../../web/render.js';
import type {} from '../../web/session.js';
import { MEETING_KINDS, meetingPolicy } from './meetings.policy.js';
import {
  cancelSchema,
  concernLinkSchema,
  feedSchema,
  LIMITS,
  meetingSchema,
  minutesSchema,
  rsvpSchema,
} from './meetings.schemas.js';
import type { MeetingsService } from './meetings.service.js';

const meetingUrl = (id: number) => `/meetings/${id}`;

const requireOrganiser = requireRole((actor) => meetingPolicy.canOrganiseAny(actor));
const requireMeetingsUser = requireRole((actor) => meetingPolicy.usesMeetings(actor));

export function createMeetingsRouter(service: MeetingsService): Router {
  const router = Router();

  // ---------------------------------------------------------------- the public page

  router.get('/borgermoeder', (_req, res) => {
    renderPage(res, 'meetings/public', {
      title: tOf(res)('meetings.public.title'),
      groups: service.publicList(),
    });
  });

  // ---------------------------------------------------------------- list and form

  router.get('/meetings', requireLogin, requireMeetingsUser, (req, res) => {
    const actor = actorOf(req);
    const { upcoming, past } = service.list(actor);
    renderPage(res, 'meetings/index', {
      title: tOf(res)('meetings.index.title'),
      upcoming,
      past,
      canOrganise: service.canOrganise(actor),
    });
  });

  /** The plan form's page, new (no id) or edit. */
  const formPage = (res: Response, id?: number) => {
    const t = tOf(res);
    return {
      title: t(id ? 'meetings.edit.title' : 'meetings.new.title'),
      meetingId: id,
      kindOptions: MEETING_KINDS.map((k) => ({ value: k, label: t(`meetings.kind.${k}`) })),
      councilGroups: service.organiserCouncils(actorOf(res.req)),
      limits: LIMITS,
    };
  };

  router.get('/meetings/new', requireLogin, requireOrganiser, (req, res) => {
    const groups = service.organiserCouncils(actorOf(req));
    const only = groups.length === 1 && groups[0]?.councils.length === 1 ? groups[0].councils[0] : undefined;
    renderPage(res, 'meetings/form', {
      ...formPage(res),
      values: { kind: 'netvaerksmoede', council_ids: only ? [String(only.id)] : [] },
    });
  });

  function submit(req: Request, res: Response, id?: number) {
    const actor = actorOf(req);
    const values = submittedValues(req.body);
    return handleForm(req, res, {
      schema: meetingSchema(id ? null : service.now()),
      values: { ...values, council_ids: checkedValues(values, 'council_ids') },
      show: showView(res, 'meetings/form', () => formPage(res, id)),
      submit: (data) => {
        if (id) {
          service.update(actor, id, data, contextOf(req));
          return { redirect: meetingUrl(id), flash: 'meetings.flash.updated' };
        }
        const newId = service.create(actor, data, contextOf(req));
        return { redirect: meetingUrl(newId), flash: 'meetings.flash.created' };
      },
    });
  }

  router.post('/meetings', requireLogin, requireOrganiser, (req, res) => submit(req, res));

  // ---------------------------------------------------------------- personal calendar feed

  router.get('/meetings/feed', requireLogin, requireMeetingsUser, (req, res) => {
    const token = req.session.meetingFeedToken;
    delete req.session.meetingFeedToken;
    const feedUrl = token ? service.feedUrl(token) : null;
    renderPage(res, 'meetings/feed', {
      title: tOf(res)('meetings.feed.title'),
      createdAt: service.feedStatus(actorOf(req)).createdAt,
      feedUrl,
      // The same address for calendar apps that subscribe when the link is tapped (iPhone, Mac, Outlook).
      webcalUrl: feedUrl ? feedUrl.replace(/^https?:/, 'webcal:') : null,
    });
  });

  /** The confirmation step before the current address is replaced (it stops working at once). */
  router.get('/meetings/feed/replace', requireLogin, requireMeetingsUser, (req, res) => {
    const { createdAt } = service.feedStatus(actorOf(req));
    if (!createdAt) return res.redirect('/meetings/feed');
    renderPage(res, 'meetings/feed-replace', { title: tOf(res)('meetings.feed_replace.title'), createdAt });
  });

  router.post('/meetings/feed', requireLogin, requireMeetingsUser, (req, res) => {
    const form = parseForm(feedSchema, req.body, tOf(res));
    if (!form.ok) throw new NotFoundError();
    const actor = actorOf(req);
    const { action } = form.data;
    if (action === 'revoke') {
      service.revokeFeed(actor, contextOf(req));
      redirectWithFlash(res, '/meetings/feed', 'meetings.flash.feed_revoked');
      return;
    }
    // An address in use is replaced only from the confirmation page (a stale "Opret" lands there).
    if (action === 'create' && service.feedStatus(actor).createdAt) {
      res.redirect(303, '/meetings/feed/replace');
      return;
    }
    // The secret is stored only hashed: it is shown once, on the page this redirect leads to.
    req.session.meetingFeedToken = service.createFeed(actor, contextOf(req));
    redirectWithFlash(res, '/meetings/feed', 'meetings.flash.feed_created');
  });

  router.get('/calendar/:file', (req, res) => {
    const file = typeof req.params.file === 'string' ? req.params.file : '';
    if (!file.endsWith('.ics')) throw new NotFoundError();
    const body = service.feedCalendar(file.slice(0, -4));
    res.set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, no-store' });
    res.send(body);
  });

  // ---------------------------------------------------------------- one meeting

  /**
   * Borgermøder are public; for anything else an anonymous visitor is sent to log in — for
   * every id alike, so the redirect says nothing about whether a meeting exists.
   */
  const publicOrLogin =
    (handler: (req: Request, res: Response, actor: Actor | undefined) => void) =>
    (req: Request, res: Response, next: NextFunction) => {
      const actor = req.user as Actor | undefined;
      try {
        handler(req, res, actor);
      } catch (err) {
        if (err instanceof NotFoundError && !actor) return requireLogin(req, res, next);
        throw err;
      }
    };

  const renderMeeting = (
    res: Response,
    id: number,
    actor: Actor | undefined,
    extras: { errors?: FormErrors; values?: Record<string, unknown>; notice?: string; status?: number } = {},
  ) => {
    const view = service.view(actor, id);
    renderPage(
      res,
      'meetings/show',
      {
        title: view.meeting.title,
        view,
        errors: extras.errors ?? noErrors(),
        values: { response: view.myResponse ?? '', ...(extras.values ?? {}) },
        notice: extras.notice,
        limits: LIMITS,
      },
      extras.status ?? 200,
    );
  };

  /** A state that forbids the action (cancelled, over): the meeting's own page with the reason, 409. */
  const refuseOnMeetingPage = (res: Response, id: number, actor: Actor) => (messageKey: string) =>
    renderMeeting(res, id, actor, { notice: tOf(res)(messageKey), status: 409 });

  /**
   * Runs the service's check before any input is read: a 404 stays a 404, a state conflict is shown
   * by refuseOnMeetingPage. False when it answered.
   */
  const stateAllows = (res: Response, id: number, actor: Actor, check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (err) {
      if (!(err instanceof ConflictError) || err.field) throw err;
      refuseOnMeetingPage(res, id, actor)(err.messageKey);
      return false;
    }
  };

  router.get(
    '/meetings/:file',
    publicOrLogin((req, res, actor) => {
      const file = typeof req.params.file === 'string' ? req.params.file : '';
      const ics = /^(\d{1,12})\.ics$/.exec(file);
      if (ics) {
        const id = Number(ics[1]);
        res.set({
          'Content-Type': 'text/calendar; charset=utf-8',
          'Content-Disposition': `attachment; filename="moede-${id}.ics"`,
          'Cache-Control': 'private, no-store',
        });
        res.send(service.icsFor(actor, id));
        return;
      }
      renderMeeting(res, idParam(file), actor);
    }),
  );

  router.post('/meetings/:id/rsvp', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const actor = actorOf(req);
    // 404 before any validation message; a cancelled meeting refuses whatever was answered.
    if (!stateAllows(res, id, actor, () => service.answerable(actor, id))) return;
    return handleForm(req, res, {
      schema: rsvpSchema,
      show: (errors, values, status) => renderMeeting(res, id, actor, { errors, values, status }),
      submit: (data) => {
        service.respond(actor, id, data.response);
        return { redirect: meetingUrl(id), flash: 'meetings.flash.answered' };
      },
      conflict: refuseOnMeetingPage(res, id, actor),
    });
  });

  router.get('/meetings/:id/edit', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const { row, councilIds } = service.editable(actorOf(req), id);
    renderPage(res, 'meetings/form', {
      ...formPage(res, id),
      values: {
        kind: row.kind,
        title: row.title,
        council_ids: councilIds.map(String),
        starts_at: toLocalInputValue(row.starts_at),
        ends_at: toLocalInputValue(row.ends_at),
        location: row.location,
        agenda: row.agenda_markdown,
        capacity: row.capacity === null ? '' : String(row.capacity),
      },
    });
  });

  router.post('/meetings/:id/edit', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    service.editable(actorOf(req), id); // 404 first
    return submit(req, res, id);
  });

  /** The cancel page: what happens, the reason and the confirmation. */
  const cancelPage = (res: Response, id: number) => {
    const meeting = service.cancellable(actorOf(res.req), id);
    return {
      title: tOf(res)('meetings.cancel.title', { title: meeting.title }),
      meeting,
      isPublic: meeting.kind === 'borgermoede',
      limits: LIMITS,
    };
  };

  router.get('/meetings/:id/cancel', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const actor = actorOf(req);
    if (!stateAllows(res, id, actor, () => service.cancellable(actor, id))) return;
    renderPage(res, 'meetings/cancel', { ...cancelPage(res, id), values: {} });
  });

  router.post('/meetings/:id/cancel', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const actor = actorOf(req);
    if (!stateAllows(res, id, actor, () => service.cancellable(actor, id))) return;
    return handleForm(req, res, {
      schema: cancelSchema,
      show: showView(res, 'meetings/cancel', () => cancelPage(res, id)),
      submit: (data) => {
        service.cancel(actor, id, data.reason, contextOf(req));
        return { redirect: meetingUrl(id), flash: 'meetings.flash.cancelled' };
      },
      conflict: refuseOnMeetingPage(res, id, actor),
    });
  });

  // ---------------------------------------------------------------- concerns on the agenda

  router.post('/meetings/:id/concerns', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const actor = actorOf(req);
    service.linkable(actor, id); // 404 before any validation message
    return handleForm(req, res, {
      schema: concernLinkSchema,
      show: (errors, values, status) => renderMeeting(res, id, actor, { errors, values, status }),
      submit: (data) => {
        service.linkConcern(actor, id, data, contextOf(req));
        return { redirect: `${meetingUrl(id)}#concerns`, flash: 'meetings.flash.concern_linked' };
      },
    });
  });

  router.post('/meetings/:id/concerns/:linkId/remove', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    service.unlinkConcern(actorOf(req), id, idParam(req.params.linkId), contextOf(req));
    redirectWithFlash(res, `${meetingUrl(id)}#concerns`, 'meetings.flash.concern_unlinked');
  });

  const minutesPage = (res: Response, id: number) => {
    const view = service.view(actorOf(res.req), id);
    return { title: tOf(res)('meetings.minutes.title', { title: view.meeting.title }), view, limits: LIMITS };
  };

  router.get('/meetings/:id/minutes', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const { row } = service.editable(actorOf(req), id);
    renderPage(res, 'meetings/minutes', {
      ...minutesPage(res, id),
      values: {
        minutes: row.minutes_markdown ?? '',
        attendance: row.attendance === null ? '' : String(row.attendance),
      },
    });
  });

  router.post('/meetings/:id/minutes', requireLogin, (req, res) => {
    const id = idParam(req.params.id);
    const actor = actorOf(req);
    service.editable(actor, id);
    return handleForm(req, res, {
      schema: minutesSchema,
      show: showView(res, 'meetings/minutes', () => minutesPage(res, id)),
      submit: (data) => {
        service.saveMinutes(actor, id, data.minutes, data.attendance, contextOf(req));
        return { redirect: meetingUrl(id), flash: 'meetings.flash.minutes_saved' };
      },
    });
  });

  return router;
}
