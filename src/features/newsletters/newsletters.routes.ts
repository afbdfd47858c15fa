import { type Request, type Response, Router } from 'express';
import type { Actor } from '../../auth/policy.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { type Locale, toLocalInputValue } from '../../web/dates.js';
import { handleAction, handleForm, showView } from '../../web/form-post.js';
import { type FormErrors, noErrors } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { localeOf, renderPage, tOf } from '../../web/render.js';
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

  const formPage = (res: Response, actor: Actor, mode: FormMode) => {
    const t = tOf(res);
    return {
      title:
        mode.kind === 'new' ? t('newsletters.new.title') : t('newsletters.edit.title', { title: mode.title }),
      mode: mode.kind,
      action: mode.kind === 'new' ? '/newsletters' : `${newsletterUrl(mode.id)}/edit`,
      cancelUrl: mode.kind === 'new' ? '/newsletters' : newsletterUrl(mode.id),
      groups: audience(actor).groups,
      canWholeDistrict: actor.isDistrictAdmin,
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    };
  };

  /** Form values as the form expects them: council ids as strings, the checkbox as "1". */
  const formValues = (d: { title: string; body: string; councilIds: number[]; wholeDistrict: boolean }) => ({
    title: d.title,
    body: d.body,
    council_ids: d.councilIds.map(String),
    whole_district: d.wholeDistrict ? '1' : '',
  });

  /** The compose form, new or edit: the audience the actor may choose from is checked in the service. */
  const submitForm = (req: Request, res: Response, mode: FormMode) => {
    const actor = actorOf(req);
    // Access first: someone who may not write newsletters gets a 404, never a validation message.
    const { ids: allowed } = audience(actor);
    return handleForm(req, res, {
      schema: newsletterSchema,
      show: showView(res, 'newsletters/form', () => formPage(res, actor, mode)),
      submit: (data) => {
        const input = {
          title: data.title,
          body: data.body,
          councilIds: data.council_ids,
          wholeDistrict: data.whole_district,
        };
        if (mode.kind === 'edit') {
          service.update(actor, mode.id, input, allowed);
          return {
            redirect: newsletterUrl(mode.id),
            flash: 'newsletters.flash.updated',
            params: { title: data.title },
          };
        }
        const id = service.create(actor, input, allowed);
        return {
          redirect: newsletterUrl(id),
          flash: 'newsletters.flash.created',
          params: { title: data.title },
        };
      },
    });
  };

  router.get('/newsletters/new', requireLogin, (req, res) => {
    const actor = actorOf(req);
    renderPage(res, 'newsletters/form', formPage(res, actor, { kind: 'new' }));
  });

  router.post('/newsletters', requireLogin, (req, res) => submitForm(req, res, { kind: 'new' }));

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
    renderPage(res, 'newsletters/form', {
      ...formPage(res, actor, { kind: 'edit', id: n.id, title: n.title }),
      values,
    });
  });

  router.post('/newsletters/:id/edit', requireLogin, (req, res) => {
    const { newsletter: n } = managedView(actorOf(req), idParam(req.params.id));
    return submitForm(req, res, { kind: 'edit', id: n.id, title: n.title });
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
    return handleForm(req, res, {
      schema: scheduleSchema,
      show: (errors, values, status) => renderShow(req, res, id, { errors, values, status }),
      submit: (data) => {
        service.schedule(actor, id, data.send_at);
        if (data.send_at === null)
          return { redirect: newsletterUrl(id), flash: 'newsletters.flash.sending_now' };
        return {
          redirect: newsletterUrl(id),
          flash: 'newsletters.flash.scheduled',
          params: { when: res.locals.formatDateTime(data.send_at) },
        };
      },
    });
  });

  /**
   * The state actions: one service call, then back to the page with a flash. A refusal (e.g. it
   * started sending meanwhile) shows the page again with the reason (409, docs/architecture.md#forms).
   */
  type StateAction = {
    run: (actor: Actor, id: number) => unknown;
    flash: string;
    params?: (actor: Actor, result: unknown) => Record<string, string>;
  };
  const actions: Record<string, StateAction> = {
    unschedule: { run: (a, id) => service.unschedule(a, id), flash: 'newsletters.flash.unscheduled' },
    cancel: { run: (a, id) => service.cancel(a, id), flash: 'newsletters.flash.cancelled' },
    pause: { run: (a, id) => service.pause(a, id), flash: 'newsletters.flash.paused' },
    resume: { run: (a, id) => service.resume(a, id), flash: 'newsletters.flash.resumed' },
    retry: {
      run: (a, id) => service.retryFailed(a, id),
      flash: 'newsletters.flash.retried',
      params: (_a, count) => ({ count: String(count) }),
    },
    confirm: { run: (a, id) => service.confirmMissed(a, id), flash: 'newsletters.flash.confirmed' },
    test: {
      run: (a, id) => service.testSend(a, id),
      flash: 'newsletters.flash.test_sent',
      params: (a) => ({ email: a.email }),
    },
  };

  for (const [name, action] of Object.entries(actions)) {
    router.post(`/newsletters/:id/${name}`, requireLogin, (req, res) => {
      const id = idParam(req.params.id);
      handleAction(res, {
        run: () => {
          const actor = actorOf(req);
          const result = action.run(actor, id);
          return { redirect: newsletterUrl(id), flash: action.flash, params: action.params?.(actor, result) };
        },
        refused: (errors, status) => renderShow(req, res, id, { errors, status }),
      });
    });
  }

  /** The mail as it will arrive: standalone (not in the layout), under its own narrow CSP. */
  router.get('/newsletters/:id/preview', requireLogin, (req, res) => {
    const preview = service.preview(actorOf(req), idParam(req.params.id));
    const format = req.query.format ?? 'html';
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
