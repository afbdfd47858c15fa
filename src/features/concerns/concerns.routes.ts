import { type NextFunction, type Request, type Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Actor } from '../../auth/policy.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { Locale } from '../../web/dates.js';
import { type FormErrors, formErrors, noErrors, parseForm, submittedValues } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin, requireRole } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { localeOf, redirectWithFlash, renderPage, tOf } from '../../web/render.js';
import type { TemplatesService } from '../templates/templates.service.js';
import { type ConcernStatus, isOpen, PRIORITIES, TRANSITIONS } from './concern-state.js';
import type { CategoryOption, EventRow } from './concerns.repository.js';
import {
  CLOSE_RESOLUTIONS,
  closeSchema,
  duplicateSchema,
  infoSchema,
  LIMITS,
  newConcernSchema,
  noteSchema,
  shareSchema,
  triageSchema,
} from './concerns.schemas.js';
import type { ConcernsService, ConcernView } from './concerns.service.js';
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './photos.js';

/**
 * Where the referrals feature plugs its form and list into the staff case page: a function that
 * returns the locals of views/referrals/_case-panel.ejs, or undefined to show nothing.
 */
export type ReferralPanel = (actor: Actor, concernId: number) => Record<string, unknown> | undefined;

/**
 * Where the meetings feature lists the meetings a concern was on the agenda of ("Behandlet på
 * møder"): returns the locals of views/meetings/_concern-links.ejs, or undefined to show nothing.
 */
export type MeetingLinks = (actor: Actor, concernId: number) => Record<string, unknown> | undefined;

export type ConcernsRouterDeps = {
  service: ConcernsService;
  templates: Pick<TemplatesService, 'active'>;
  referralPanel?: ReferralPanel;
  meetingLinks?: MeetingLinks;
};

const concernUrl = (id: number) => `/concerns/${id}`;

/** Logging is for the members of a council's network (network persons and council admins). */
const requireMember = requireRole((actor) => actor.memberships.length > 0);

/**
 * Photos arrive as multipart/form-data, parsed here (after the CSRF check, which reads the token
 * from the query string for that reason). The limits are one above the rules in photos.ts, so
 * the service reports an exact "too many" or "too large" and multer only stops what is far over.
 */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PHOTO_BYTES + 1, files: MAX_PHOTOS + 1, fields: 20 },
}).array('photos');

type UploadRequest = Request & { uploadError?: { key: string; status: number } };

/** multer's refusals become a field error on the form instead of an error page. */
function receivePhotos(req: Request, res: Response, next: NextFunction) {
  upload(req, res, (err: unknown) => {
    if (err) {
      const code = err instanceof multer.MulterError ? err.code : undefined;
      (req as UploadRequest).uploadError =
        code === 'LIMIT_FILE_SIZE'
          ? { key: 'concerns.errors.photo_too_large', status: 422 }
          : code === 'LIMIT_FILE_COUNT'
            ? { key: 'concerns.errors.photos_too_many', status: 422 }
            : { key: 'concerns.errors.upload_failed', status: 400 };
    }
    next();
  });
}

function uploadedPhotos(req: Request): { buffer: Buffer; size: number }[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files.map((f) => ({ buffer: f.buffer, size: f.size }));
}

function mergeErrors(a: FormErrors, b: FormErrors): FormErrors {
  const merged = { summary: [...a.summary], fields: { ...a.fields } };
  for (const item of b.summary) {
    const field = item.href.replace(/^#field-/, '');
    if (field in merged.fields) continue;
    merged.fields[field] = b.fields[field] ?? item.text;
    merged.summary.push(item);
  }
  return merged;
}

const categoryLabel = (c: { label_da: string; label_en: string }, locale: Locale) =>
  locale === 'en' ? c.label_en : c.label_da;

// ------------------------------------------------------------------ the case page

type CaseExtras = {
  errors?: FormErrors;
  values?: Record<string, unknown>;
  status?: number;
  /** ?template=<id>: a tekstskabelon prefilled into the note field. */
  templateId?: unknown;
};

type PresentedEvent = {
  at: string;
  who: string;
  text: string;
  body: string;
  internal: boolean;
  link?: { href: string; text: string };
};

function parseData(e: EventRow): Record<string, unknown> {
  try {
    const data = JSON.parse(e.data) as unknown;
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One timeline row in words. Staff get links between duplicates; the reporter sees plain numbers. */
function presentEvent(
  e: EventRow,
  t: Translate,
  labels: { category: (slug: string) => string },
  staff: boolean,
): PresentedEvent | null {
  const data = parseData(e);
  const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const base = {
    at: e.at,
    who: e.actor_name ?? (e.actor_user_id === null ? t('concerns.event.system') : ''),
    body: e.body,
    internal: e.visibility === 'internal',
  };
  switch (e.type) {
    case 'status_changed':
      return {
        ...base,
        text: t('concerns.event.status_changed', {
          from: t(`concerns.status.${s(data.from)}`),
          to: t(`concerns.status.${s(data.to)}`),
        }),
      };
    case 'priority_changed':
      return {
        ...base,
        text: t('concerns.event.priority_changed', {
          from: t(`concerns.priority.${s(data.from)}`),
          to: t(`concerns.priority.${s(data.to)}`),
        }),
      };
    case 'category_changed':
      return {
        ...base,
        text: t('concerns.event.category_changed', {
          from: labels.category(s(data.from)),
          to: labels.category(s(data.to)),
        }),
      };
    case 'closed':
      // A duplicate closes with a 'merged' event right after; that one says it.
      if (data.resolution === 'duplicate') return null;
      return {
        ...base,
        text: t('concerns.event.closed', { resolution: t(`concerns.resolution.${s(data.resolution)}`) }),
      };
    case 'merged': {
      const original = s(data.duplicateOf);
      return {
        ...base,
        text: t('concerns.event.merged', { id: original }),
        link: staff ? { href: concernUrl(Number(original)), text: `#${original}` } : undefined,
      };
    }
    case 'duplicate_linked': {
      const duplicate = s(data.duplicate);
      return {
        ...base,
        text: t('concerns.event.duplicate_linked', { id: duplicate }),
        link: { href: concernUrl(Number(duplicate)), text: `#${duplicate}` },
      };
    }
    case 'referral_sent':
    case 'referral_acknowledged':
    case 'referral_answered':
      return { ...base, text: t(`concerns.event.${e.type}`, { department: s(data.department) }) };
    case 'shared':
      return {
        ...base,
        text: t(data.withdrawn ? 'concerns.event.unshared' : 'concerns.event.shared'),
      };
    default:
      return { ...base, text: t(`concerns.event.${e.type}`) };
  }
}

/** The statuses the triage form may choose: the current one and the allowed moves, never "closed". */
function statusChoices(current: ConcernStatus): ConcernStatus[] {
  if (current === 'closed') return ['closed'];
  return [current, ...TRANSITIONS[current].filter((s) => s !== 'closed')];
}

/**
 * Renders GET /concerns/:id for the actor — staff, reporter or shared summary — optionally with a
 * form's errors (the case page's own forms post back here and show them on the same page).
 */
function renderConcernPage(
  res: Response,
  deps: ConcernsRouterDeps,
  concernId: number,
  extras: CaseExtras = {},
): void {
  const { service, templates } = deps;
  const req = res.req;
  const actor = actorOf(req);
  const t = tOf(res);
  const locale = localeOf(res);
  const view: ConcernView = service.view(actor, concernId, contextOf(req));
  const errors = extras.errors ?? noErrors();
  const status = extras.status ?? 200;

  if (view.mode === 'shared') {
    const c = view.concern;
    renderPage(
      res,
      'concerns/shared',
      {
        title: t('concerns.shared.title', { id: c.id }),
        concern: c,
        category: categoryLabel({ label_da: c.category_da, label_en: c.category_en }, locale),
      },
      status,
    );
    return;
  }

  const c = view.concern;
  // The active categories are only needed by the staff view (its form and the internal
  // category_changed events), so the reporter's page never loads them.
  let active: { categories: CategoryOption[]; bySlug: Map<string, CategoryOption> } | undefined;
  const activeCategories = () => {
    if (!active) {
      const categories = service.formOptions(actor).categories;
      active = { categories, bySlug: new Map(categories.map((cat) => [cat.slug, cat])) };
    }
    return active;
  };
  const labels = {
    category: (slug: string) => {
      const cat = activeCategories().bySlug.get(slug);
      return cat ? categoryLabel(cat, locale) : slug;
    },
  };
  const staff = view.mode === 'staff';
  const events = view.events
    .map((e) => presentEvent(e, t, labels, staff))
    .filter((e): e is PresentedEvent => e !== null);
  const common = {
    title: t('concerns.show.title', { id: c.id, title: c.title }),
    concern: c,
    category: categoryLabel({ label_da: c.category_da, label_en: c.category_en }, locale),
    events,
    photos: view.photos,
    open: isOpen(c.status),
    limits: LIMITS,
    errors,
  };

  if (view.mode === 'reporter') {
    renderPage(res, 'concerns/show-reporter', { ...common, values: extras.values ?? {} }, status);
    return;
  }

  const activeTemplates = templates.active(actor);
  const templateId = typeof extras.templateId === 'string' ? Number(extras.templateId) : Number.NaN;
  const template = activeTemplates.find((tpl) => tpl.id === templateId);
  const defaults: Record<string, unknown> = {
    body: template?.body ?? '',
    visibility: 'internal',
    category: c.category_slug,
    priority: c.priority,
    status: c.status,
    resolution: '',
    feedback: '',
    duplicate_of: '',
    summary: c.shared_summary ?? '',
    template: template ? String(template.id) : '',
  };
  // A still-active category that was retired keeps showing as the current choice.
  const { categories, bySlug } = activeCategories();
  const categoryOptions = categories.map((cat) => ({ value: cat.slug, label: categoryLabel(cat, locale) }));
  if (!bySlug.has(c.category_slug)) {
    categoryOptions.unshift({ value: c.category_slug, label: common.category });
  }
  renderPage(
    res,
    'concerns/show-staff',
    {
      ...common,
      values: { ...defaults, ...(extras.values ?? {}) },
      overdue: view.overdue,
      duplicates: view.duplicates,
      templates: activeTemplates,
      categoryOptions,
      priorityOptions: PRIORITIES.map((p) => ({ value: p, label: t(`concerns.priority.${p}`) })),
      statusOptions: statusChoices(c.status).map((s) => ({ value: s, label: t(`concerns.status.${s}`) })),
      resolutionOptions: CLOSE_RESOLUTIONS.map((r) => ({ value: r, label: t(`concerns.resolution.${r}`) })),
      referralPanel: deps.referralPanel?.(actor, c.id),
      meetingLinks: deps.meetingLinks?.(actor, c.id),
    },
    status,
  );
}

// ------------------------------------------------------------------ the router

export function createConcernsRouter(deps: ConcernsRouterDeps): Router {
  const { service } = deps;
  const router = Router();

  // ---------------------------------------------------------------- logging a concern

  const renderNewForm = (
    res: Response,
    errors: FormErrors | null,
    values: Record<string, unknown>,
    options: { status?: number; photosDropped?: boolean } = {},
  ) => {
    const t = tOf(res);
    const locale = localeOf(res);
    const { councils, categories } = service.formOptions(actorOf(res.req));
    renderPage(
      res,
      'concerns/new',
      {
        title: t('concerns.new.title'),
        errors: errors ?? noErrors(),
        values,
        councilOptions: councils.map((c) => ({ value: c.id, label: c.name })),
        categoryOptions: categories.map((c) => ({ value: c.slug, label: categoryLabel(c, locale) })),
        limits: LIMITS,
        maxPhotos: MAX_PHOTOS,
        photosDropped: options.photosDropped ?? false,
      },
      errors ? (options.status ?? 422) : 200,
    );
  };

  router.get('/concerns/new', requireLogin, requireMember, (req, res) => {
    const councils = service.formOptions(actorOf(req)).councils;
    const only = councils.length === 1 ? councils[0] : undefined;
    renderNewForm(res, null, only ? { council_id: String(only.id) } : {});
  });

  router.post('/concerns', requireLogin, requireMember, receivePhotos, (req, res) => {
    const t = tOf(res);
    const actor = actorOf(req);
    const uploadError = (req as UploadRequest).uploadError;
    const photos = uploadError ? [] : uploadedPhotos(req);
    const photosDropped = Boolean(uploadError) || photos.length > 0;
    const form = parseForm(newConcernSchema(service.now()), req.body, t);
    if (uploadError) {
      const photoErrors = formErrors(t, [{ field: 'photos', messageKey: uploadError.key }]);
      const errors = form.ok ? photoErrors : mergeErrors(form.errors, photoErrors);
      return renderNewForm(res, errors, submittedValues(req.body), {
        status: uploadError.status,
        photosDropped,
      });
    }
    if (!form.ok) return renderNewForm(res, form.errors, form.values, { photosDropped });
    try {
      const id = service.create(
        actor,
        {
          councilId: form.data.council_id,
          category: form.data.category,
          title: form.data.title,
          description: form.data.description,
          location: form.data.location,
          occurredAt: form.data.occurred_at,
        },
        photos,
        contextOf(req),
      );
      redirectWithFlash(res, concernUrl(id), 'concerns.flash.created', { id: String(id) });
    } catch (err) {
      if (!(err instanceof ConflictError) || !err.field) throw err;
      const errors = formErrors(t, [{ field: err.field, messageKey: err.messageKey }]);
      renderNewForm(res, errors, submittedValues(req.body), { photosDropped });
    }
  });

  // ---------------------------------------------------------------- reading

  router.get('/concerns/:id', requireLogin, (req, res) => {
    renderConcernPage(res, deps, idParam(req.params.id), { templateId: req.query.template });
  });

  router.get('/concerns/:id/photos/:photoId', requireLogin, (req, res, next) => {
    const file = service.photoFile(actorOf(req), idParam(req.params.id), idParam(req.params.photoId), {
      ip: req.ip,
    });
    res.set({
      'Content-Type': file.contentType,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    });
    res.sendFile(file.path, { cacheControl: false, lastModified: false, etag: false }, (err) => {
      // A row whose file is gone (or any read error) looks like a missing photo, never a 500 page.
      if (err && !res.headersSent) next(new NotFoundError());
    });
  });

  // ---------------------------------------------------------------- actions on one concern

  /**
   * A POST on the case page: access first (404 for whoever may not do it, before any validation
   * message), then the schema, then the service; errors show on the case page with the input kept.
   */
  function caseAction<S extends z.ZodType>(
    path: string,
    who: 'staff' | 'reporter',
    schema: S,
    run: (actor: Actor, concernId: number, data: z.output<S>, ip: string | undefined) => string,
  ) {
    router.post(`/concerns/:id/${path}`, requireLogin, (req, res) => {
      const actor = actorOf(req);
      const concernId = idParam(req.params.id);
      const relation = service.relationTo(actor, concernId);
      if (!(who === 'staff' ? relation.handles : relation.reports)) throw new NotFoundError();
      const t = tOf(res);
      const form = parseForm(schema, req.body, t);
      if (!form.ok) {
        return renderConcernPage(res, deps, concernId, {
          errors: form.errors,
          values: form.values,
          status: 422,
        });
      }
      try {
        const flashKey = run(actor, concernId, form.data, req.ip);
        redirectWithFlash(res, concernUrl(concernId), flashKey, { id: String(concernId) });
      } catch (err) {
        if (!(err instanceof ConflictError) || !err.field) throw err;
        renderConcernPage(res, deps, concernId, {
          errors: formErrors(t, [{ field: err.field, messageKey: err.messageKey }]),
          values: submittedValues(req.body),
          status: 422,
        });
      }
    });
  }

  caseAction('notes', 'staff', noteSchema, (actor, id, data, ip) => {
    service.addNote(actor, id, data, { ip });
    return data.visibility === 'public' ? 'concerns.flash.replied' : 'concerns.flash.noted';
  });

  caseAction('triage', 'staff', triageSchema, (actor, id, data, ip) => {
    service.updateTriage(actor, id, data, { ip });
    return 'concerns.flash.triaged';
  });

  caseAction('close', 'staff', closeSchema, (actor, id, data, ip) => {
    service.close(actor, id, data, { ip });
    return 'concerns.flash.closed';
  });

  caseAction('reopen', 'staff', z.object({}), (actor, id, _data, ip) => {
    service.reopen(actor, id, { ip });
    return 'concerns.flash.reopened';
  });

  caseAction('duplicate', 'staff', duplicateSchema, (actor, id, data, ip) => {
    service.markDuplicate(actor, id, data.duplicate_of, { ip });
    return 'concerns.flash.duplicate';
  });

  caseAction('share', 'staff', shareSchema, (actor, id, data, ip) => {
    service.share(actor, id, data.summary, { ip });
    return data.summary === '' ? 'concerns.flash.unshared' : 'concerns.flash.shared';
  });

  caseAction('info', 'reporter', infoSchema, (actor, id, data, ip) => {
    service.addReporterInfo(actor, id, data.body, { ip });
    return 'concerns.flash.info_added';
  });

  return router;
}
