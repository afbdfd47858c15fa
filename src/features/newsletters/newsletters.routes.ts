import { type Request, type Response, Router } from 'express';
import type { Actor } from '../../auth/policy.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { type Locale, toLocalInputValue } from '../../web/dates.js';
import { type FormErrors, formErrors, noErrors, parseForm } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { localeOf, redirectWithFlash, renderPage, tOf } from '../../web/render.js';
import { isEditable } from './newsletter-state.js';
import type { NewsletterRow, Progress } from './newsletters.repository.js';
import { BODY_MAX, newsletterSchema, scheduleSchema, TITLE_MAX } from './newsletters.schemas.js';
import type { NewslettersService, NewsletterView } from './newsletters.service.js';

export type NewslettersRouterDeps = {
  service: NewslettersService;
};

/** Recipients per page on the newsletter page. */
export const DELIVERIES_PER_PAGE = 100;

/** The list pages' size in the service (NewslettersService.list). */
const LIST_PAGE_SIZE = 25;

/** The mail preview is the mail's own document: inline style attributes, nothing else, framed only by us. */
const PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

const newsletterUrl = (id: number) => `/newsletters/${id}`;

/** ?page=N (1-based); anything else is page 1. */
function pageParam(req: Request): number {
  const raw = req.query.page;
  return typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : 1;
}

/** "1.234 af 2.000 sendt, 3 fejlet" in the reader's language. */
export function progressText(t: Translate, locale: Locale, p: Progress): string {
  const n = (v: number) => new Intl.NumberFormat(locale === 'da' ? 'da-DK' : 'en-GB').format(v);
  return t('newsletters.progress.text', { sent: n(p.sent), total: n(p.total), failed: n(p.failed) });
}

/** When a newsletter goes (or went) out, for lists and the status box. */
function sendTime(n: Pick<NewsletterRow, 'status' | 'send_at' | 'started_at'>): string | null {
  if (n.status === 'sending' || n.status === 'paused' || n.status === 'sent')
    return n.started_at ?? n.send_at;
  return n.send_at;
}

export function createNewslettersRouter({ service }: NewslettersRouterDeps): Router {
  const router = Router();

  /** Audience choices grouped by municipality, for the form and for naming the audience. */
  const audience = (actor: Actor) => {
    const options = service.audienceOptions(actor);
    const groups = new Map<string, { id: number; name: string }[]>();
    for (const c of options) {
      const list = groups.get(c.municipality) ?? [];
      list.push({ id: c.id, name: c.name });
      groups.set(c.municipality, list);
    }
    return {
      ids: options.map((c) => c.id),
      groups: [...groups].map(([municipality, councils]) => ({ municipality, councils })),
      names: new Map(options.map((c) => [c.id, c.name])),
    };
  };

  const audienceText = (t: Translate, names: Map<number, string>, councilIds: number[], whole: boolean) =>
    whole
      ? t('newsletters.audience.whole_district')
      : councilIds
          .map((id) => names.get(id) ?? t('newsletters.audience.council_fallback', { id }))
          .join(', ');

  // ------------------------------------------------------------------ list and archive

  router.get('/newsletters', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const t = tOf(res);
    const page = pageParam(req);
    const { managed, archive } = service.list(actor, page - 1);
    const names = managed ? audience(actor).names : new Map<number, string>();
    const managedRows = (managed ?? []).map((n) => ({
      ...n,
      audience: audienceText(t, names, n.councilIds, n.whole_district === 1),
      when: sendTime(n),
    }));
    const archiveRows = archive.map((n) => ({ ...n, when: sendTime(n) }));
    renderPage(res, 'newsletters/list', {
      title: t('newsletters.list.title'),
      canCompose: managed !== null,
      managed: managedRows,
      archive: archiveRows,
      paged: {
        page,
        hasPrevious: page > 1,
        hasNext: managedRows.length === LIST_PAGE_SIZE || archiveRows.length === LIST_PAGE_SIZE,
      },
    });
  });

  // ------------------------------------------------------------------ compose and edit

  type FormMode = { kind: 'new' } | { kind: 'edit'; id: number; title: string };

  const renderForm = (
    res: Response,
    actor: Actor,
    mode: FormMode,
    values: Record<string, unknown>,
    errors: FormErrors | null,
  ) => {
    const t = tOf(res);
    const { groups } = audience(actor);
    renderPage(
      res,
      'newsletters/form',
      {
        title:
          mode.kind === 'new'
            ? t('newsletters.new.title')
            : t('newsletters.edit.title', { title: mode.title }),
        mode: mode.kind,
        action: mode.kind === 'new' ? '/newsletters' : `${newsletterUrl(mode.id)}/edit`,
        cancelUrl: mode.kind === 'new' ? '/newsletters' : newsletterUrl(mode.id),
        groups,
        canWholeDistrict: actor.isDistrictAdmin,
        titleMax: TITLE_MAX,
        bodyMax: BODY_MAX,
        values,
        errors: errors ?? noErrors(),
      },
      errors ? 422 : 200,
    );
  };

  /** Form values as the form expects them: council ids as strings, the checkbox as "1". */
  const formValues = (d: { title: string; body: string; councilIds: number[]; wholeDistrict: boolean }) => ({
    title: d.title,
    body: d.body,
    council_ids: d.councilIds.map(String),
    whole_district: d.wholeDistrict ? '1' : '',
  });

  /** The service's form-level refusals (no councils, a council not covered) become that field's error. */
  const conflictOnForm = (res: Response, err: unknown, show: (errors: FormErrors) => void): void => {
    if (!(err instanceof ConflictError) || !err.field) throw err;
    show(formErrors(tOf(res), [{ field: err.field, messageKey: err.messageKey }]));
  };

  router.get('/newsletters/new', requireLogin, (req, res) => {
    const actor = actorOf(req);
    renderForm(res, actor, { kind: 'new' }, {}, null);
  });

  router.post('/newsletters', requireLogin, (req, res) => {
    const actor = actorOf(req);
    // Access first: someone who may not write newsletters gets a 404, never a validation message.
    const { ids: allowed } = audience(actor);
    const form = parseForm(newsletterSchema, req.body, tOf(res));
    if (!form.ok) return renderForm(res, actor, { kind: 'new' }, form.values, form.errors);
    const input = {
      title: form.data.title,
      body: form.data.body,
      councilIds: form.data.council_ids,
      wholeDistrict: form.data.whole_district,
    };
    try {
      const id = service.create(actor, input, allowed);
      redirectWithFlash(res, newsletterUrl(id), 'newsletters.flash.created', { title: input.title });
    } catch (err) {
      conflictOnForm(res, err, (errors) =>
        renderForm(res, actor, { kind: 'new' }, formValues(input), errors),
      );
    }
  });

  /** The management view of a newsletter, or 404 for anyone who may not manage it. */
  const managedView = (actor: Actor, id: number, page = 0): NewsletterView => {
    const view = service.view(actor, id, page);
    if (!view.canManage) throw new NotFoundError();
    return view;
  };

  router.get('/newsletters/:id/edit', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const { newsletter: n, councilIds } = managedView(actor, idParam(req.params.id));
    if (!isEditable(n.status)) throw new ConflictError('newsletters.errors.not_editable');
    const values = formValues({
      title: n.title,
      body: n.body_markdown,
      councilIds,
      wholeDistrict: n.whole_district === 1,
    });
    renderForm(res, actor, { kind: 'edit', id: n.id, title: n.title }, values, null);
  });

  router.post('/newsletters/:id/edit', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const { newsletter: n } = managedView(actor, idParam(req.params.id));
    const mode: FormMode = { kind: 'edit', id: n.id, title: n.title };
    const { ids: allowed } = audience(actor);
    const form = parseForm(newsletterSchema, req.body, tOf(res));
    if (!form.ok) return renderForm(res, actor, mode, form.values, form.errors);
    const input = {
      title: form.data.title,
      body: form.data.body,
      councilIds: form.data.council_ids,
      wholeDistrict: form.data.whole_district,
    };
    try {
      service.update(actor, n.id, input, allowed);
      redirectWithFlash(res, newsletterUrl(n.id), 'newsletters.flash.updated', { title: input.title });
    } catch (err) {
      conflictOnForm(res, err, (errors) => renderForm(res, actor, mode, formValues(input), errors));
    }
  });

  // ------------------------------------------------------------------ the newsletter page

  const renderShow = (
    req: Request,
    res: Response,
    id: number,
    extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {},
  ) => {
    const actor = actorOf(req);
    const t = tOf(res);
    const page = pageParam(req);
    const view = service.view(actor, id, page - 1);
    const n = view.newsletter;
    if (!view.canManage) {
      return renderPage(res, 'newsletters/archive', { title: n.title, newsletter: n, when: sendTime(n) });
    }
    const { names } = audience(actor);
    const preview = service.preview(actor, id);
    const live = n.status === 'sending' && req.query.live !== '0';
    renderPage(
      res,
      'newsletters/show',
      {
        title: n.title,
        newsletter: n,
        audience: audienceText(t, names, view.councilIds, n.whole_district === 1),
        when: sendTime(n),
        progress: view.progress,
        progressText: progressText(t, localeOf(res), view.progress),
        deliveries: view.deliveries,
        paged: {
          page,
          hasPrevious: page > 1,
          hasNext: page * DELIVERIES_PER_PAGE < view.progress.total,
        },
        previewText: preview.text,
        editable: isEditable(n.status),
        live,
        sendAtValue: n.send_at && n.status === 'scheduled' ? toLocalInputValue(n.send_at) : '',
        errors: extra.errors ?? noErrors(),
        values: extra.values ?? {},
      },
      extra.status ?? 200,
    );
  };

  router.get('/newsletters/:id', requireLogin, (req, res) => {
    renderShow(req, res, idParam(req.params.id));
  });

  router.post('/newsletters/:id/schedule', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const id = idParam(req.params.id);
    managedView(actor, id);
    const t = tOf(res);
    const form = parseForm(scheduleSchema, req.body, t);
    if (!form.ok) return renderShow(req, res, id, { errors: form.errors, values: form.values, status: 422 });
    try {
      service.schedule(actor, id, form.data.send_at);
    } catch (err) {
      if (!(err instanceof ConflictError) || !err.field) throw err;
      const errors = formErrors(t, [{ field: err.field, messageKey: err.messageKey }]);
      const values = { send_at: typeof req.body?.send_at === 'string' ? req.body.send_at : '' };
      return renderShow(req, res, id, {
        errors,
        values,
        status: err.messageKey === 'newsletters.errors.send_at_past' ? 422 : 409,
      });
    }
    if (form.data.send_at === null)
      return redirectWithFlash(res, newsletterUrl(id), 'newsletters.flash.sending_now');
    redirectWithFlash(res, newsletterUrl(id), 'newsletters.flash.scheduled', {
      when: res.locals.formatDateTime(form.data.send_at),
    });
  });

  /**
   * The state actions (unschedule, cancel, pause, …): one service call, then back to the page with a
   * flash. A refusal (e.g. it started sending meanwhile) shows the page again with the reason.
   */
  const action =
    (run: (actor: Actor, id: number, res: Response) => { key: string; params?: Record<string, string> }) =>
    (req: Request, res: Response) => {
      const actor = actorOf(req);
      const id = idParam(req.params.id);
      try {
        const { key, params } = run(actor, id, res);
        redirectWithFlash(res, newsletterUrl(id), key, params);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        const errors = formErrors(tOf(res), [{ field: err.field ?? 'status', messageKey: err.messageKey }]);
        renderShow(req, res, id, { errors, status: 409 });
      }
    };

  router.post(
    '/newsletters/:id/unschedule',
    requireLogin,
    action((actor, id) => {
      service.unschedule(actor, id);
      return { key: 'newsletters.flash.unscheduled' };
    }),
  );
  router.post(
    '/newsletters/:id/cancel',
    requireLogin,
    action((actor, id) => {
      service.cancel(actor, id);
      return { key: 'newsletters.flash.cancelled' };
    }),
  );
  router.post(
    '/newsletters/:id/pause',
    requireLogin,
    action((actor, id) => {
      service.pause(actor, id);
      return { key: 'newsletters.flash.paused' };
    }),
  );
  router.post(
    '/newsletters/:id/resume',
    requireLogin,
    action((actor, id) => {
      service.resume(actor, id);
      return { key: 'newsletters.flash.resumed' };
    }),
  );
  router.post(
    '/newsletters/:id/retry',
    requireLogin,
    action((actor, id) => {
      const count = service.retryFailed(actor, id);
      return { key: 'newsletters.flash.retried', params: { count: String(count) } };
    }),
  );
  router.post(
    '/newsletters/:id/confirm',
    requireLogin,
    action((actor, id) => {
      service.confirmMissed(actor, id);
      return { key: 'newsletters.flash.confirmed' };
    }),
  );
  router.post(
    '/newsletters/:id/test',
    requireLogin,
    action((actor, id) => {
      service.testSend(actor, id);
      return { key: 'newsletters.flash.test_sent', params: { email: actor.email } };
    }),
  );

  /** The mail as it will arrive: standalone (not in the layout), under its own narrow CSP. */
  router.get('/newsletters/:id/preview', requireLogin, (req, res) => {
    const preview = service.preview(actorOf(req), idParam(req.params.id));
    const format = req.query.format ?? 'html';
    res.set('Cache-Control', 'no-store');
    if (format === 'text') {
      res.type('text/plain; charset=utf-8').send(preview.text);
      return;
    }
    if (format !== 'html') throw new NotFoundError();
    res.set('Content-Security-Policy', PREVIEW_CSP);
    res.type('text/html; charset=utf-8').send(preview.html);
  });

  /** For public/js/newsletter-progress.js: the bar's figures while sending. */
  router.get('/newsletters/:id/progress.json', requireLogin, (req, res) => {
    const p = service.progress(actorOf(req), idParam(req.params.id));
    res.set('Cache-Control', 'no-store');
    res.json({ ...p, text: progressText(tOf(res), localeOf(res), p) });
  });

  // ------------------------------------------------------------------ one-click unsubscribe (no login)

  const token = (req: Request) => {
    const value = (req.params as Record<string, string | undefined>).token;
    if (!value) throw new NotFoundError();
    return value;
  };

  router.get('/unsubscribe/:token', (req, res) => {
    const target = service.unsubscribeTarget(token(req));
    res.set('X-Robots-Tag', 'noindex');
    const t = tOf(res);
    if (!target.subscribed) {
      return renderPage(res, 'newsletters/unsubscribed', {
        title: t('newsletters.unsubscribe.done_title'),
        email: target.email,
        already: true,
      });
    }
    renderPage(res, 'newsletters/unsubscribe', {
      title: t('newsletters.unsubscribe.title'),
      email: target.email,
      action: req.originalUrl.split('?')[0],
    });
  });

  /**
   * RFC 8058: mail clients POST `List-Unsubscribe=One-Click` here without cookies; the answer is a
   * plain 200 page (no redirect), and a repeat changes nothing. CSRF is exempt for /unsubscribe/.
   */
  router.post('/unsubscribe/:token', (req, res) => {
    const value = token(req);
    const target = service.unsubscribeTarget(value);
    service.unsubscribe(value, contextOf(req));
    res.set('X-Robots-Tag', 'noindex');
    renderPage(res, 'newsletters/unsubscribed', {
      title: tOf(res)('newsletters.unsubscribe.done_title'),
      email: target.email,
      already: false,
    });
  });

  return router;
}
