import type { Response } from 'express';
import type { Actor } from '../../auth/policy.js';
import type { Locale } from '../../web/dates.js';
import { type FormErrors, noErrors } from '../../web/forms.js';
import { actorOf, contextOf } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { localeOf, renderPage, tOf } from '../../web/render.js';
import type { TemplatesService } from '../templates/templates.service.js';
import { type ConcernStatus, isOpen, PRIORITIES, TRANSITIONS } from './concern-state.js';
import type { CategoryOption, EventRow } from './concerns.repository.js';
import { CLOSE_RESOLUTIONS, LIMITS } from './concerns.schemas.js';
import type { ConcernsService, ConcernView } from './concerns.service.js';
import { MAX_PHOTOS, MAX_PHOTOS_PER_CONCERN } from './photos.js';

/**
 * The case page (GET /concerns/:id, and again with the errors of its own forms) in its three
 * modes, with the timeline in words. Other features add to the staff view through the hooks below.
 */

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

/** What the case page needs: the service, the active tekstskabeloner and the other features' hooks. */
export type CasePageDeps = {
  service: ConcernsService;
  templates: Pick<TemplatesService, 'active'>;
  referralPanel?: ReferralPanel;
  meetingLinks?: MeetingLinks;
};

export const concernUrl = (id: number) => `/concerns/${id}`;

export const categoryLabel = (c: { label_da: string; label_en: string }, locale: Locale) =>
  locale === 'en' ? c.label_en : c.label_da;

type CaseExtras = {
  errors?: FormErrors;
  values?: Record<string, unknown>;
  status?: number;
  /** ?template=<id>: a tekstskabelon prefilled into the note field. */
  templateId?: unknown;
  /** The reporter's addition came back with photos the browser cannot keep: the form says so. */
  photosDropped?: boolean;
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
    // The reporter's own events lose their author at anonymisation (concerns.repository.ts).
    who: data.actorAnonymised
      ? t('concerns.show.anonymised')
      : (e.actor_name ?? (e.actor_user_id === null ? t('concerns.event.system') : '')),
    body: e.body,
    internal: e.visibility === 'internal',
  };
  switch (e.type) {
    case 'status_changed':
    case 'priority_changed':
    case 'category_changed': {
      // "from → to" in words: statuses and priorities by their texts, categories by their labels.
      const label =
        e.type === 'category_changed'
          ? labels.category
          : (v: string) => t(`concerns.${e.type === 'status_changed' ? 'status' : 'priority'}.${v}`);
      return {
        ...base,
        text: t(`concerns.event.${e.type}`, { from: label(s(data.from)), to: label(s(data.to)) }),
      };
    }
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
    case 'referral_withdrawn':
    case 'referral_reminded':
      return { ...base, text: t(`concerns.event.${e.type}`, { department: s(data.department) }) };
    case 'reporter_info':
      return {
        ...base,
        text: data.photos
          ? t('concerns.event.reporter_info_photos', { count: s(data.photos) })
          : t('concerns.event.reporter_info'),
      };
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
export function renderConcernPage(
  res: Response,
  deps: CasePageDeps,
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
    // An anonymised concern has no title left; its page and heading say so rather than stay empty.
    title: t('concerns.show.title', { id: c.id, title: c.title || t('concerns.show.anonymised') }),
    concern: c,
    category: categoryLabel({ label_da: c.category_da, label_en: c.category_en }, locale),
    events,
    photos: view.photos,
    open: isOpen(c.status),
    limits: LIMITS,
    errors,
  };

  if (view.mode === 'reporter') {
    renderPage(
      res,
      'concerns/show-reporter',
      {
        ...common,
        values: extras.values ?? {},
        photosDropped: extras.photosDropped ?? false,
        photosLeft: Math.max(0, MAX_PHOTOS_PER_CONCERN - view.photos.length),
        maxPhotos: MAX_PHOTOS,
        followed: view.followed && {
          ...view.followed,
          category: categoryLabel(
            { label_da: view.followed.category_da, label_en: view.followed.category_en },
            locale,
          ),
          events: view.followed.events
            .map((e) => presentEvent(e, t, labels, false))
            .filter((e): e is PresentedEvent => e !== null),
        },
      },
      status,
    );
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
