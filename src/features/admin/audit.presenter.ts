import {
  type AuditDetailEntry,
  type AuditRefEntity,
  detailKindOf,
  detailLabelKey,
} from '../../audit/audit-details.js';
import type { AuditRow } from '../../audit/audit-log.js';
import {
  formatDate,
  formatDateTime,
  formatMonth,
  formatNumber,
  formatTime,
  isCalendarDate,
  type Locale,
  localDate,
} from '../../web/dates.js';
import type { Translate } from '../../web/i18n.js';
import type { AuditNames } from './admin.repository.js';
import type { AuditPageRows } from './admin.service.js';

/** A piece of a shown value: text, and where it leads on the page (the CSV keeps the text). */
export type Part = { text: string; href?: string };

/** One detail as a reader sees it: "Udfald: Ikke en politisag", "Navn: Stevns → Stevns Kommune". */
export type DetailLine = { label: string; from?: Part[]; value: Part[] };

export type PresentedAuditRow = {
  id: number;
  at: string;
  /** "3 gange, sidst kl. 10.42" for a line that stands for repeated reads; else undefined. */
  repeated?: string;
  actor: Part;
  actorId: number | null;
  action: string;
  /** "Bekymring #12", leading to the lines about it. */
  entity: Part;
  entityKind: string;
  entityId: number | null;
  ip: string | null;
  repeatCount: number;
  lastAt: string | null;
  details: DetailLine[];
};

type Context = { t: Translate; locale: Locale; names: AuditNames };

/** A label from the translations, or the raw key when there is none (an old line, a new key). */
const labelOr = (t: Translate, key: string, fallback: string) => {
  const text = t(key);
  return text === key ? fallback : text;
};

const EMPTY: Part[] = [{ text: '–' }];

const PAGES: Partial<Record<AuditRefEntity, string>> = {
  concern: '/concerns/',
  meeting: '/meetings/',
  post: '/posts/',
};

function reference(entity: AuditRefEntity, id: unknown, { locale, names }: Context): Part {
  if (typeof id !== 'number' && typeof id !== 'string') return { text: String(id) };
  switch (entity) {
    case 'category': {
      const label = names.category.get(String(id));
      return { text: label ? label[locale] : String(id) };
    }
    case 'user': {
      const name = names.user.get(Number(id));
      return { text: name ?? `#${id}`, href: `/admin/audit?person=${encodeURIComponent(String(id))}` };
    }
    case 'council':
    case 'municipality':
    case 'department':
      return { text: names[entity].get(Number(id)) ?? `#${id}` };
    default: {
      const page = PAGES[entity];
      return page && /^\d+$/.test(String(id)) ? { text: `#${id}`, href: `${page}${id}` } : { text: `#${id}` };
    }
  }
}

/** One side of a detail (the value, or a change's from or to), shown by its key's kind. */
function shown(key: string, value: unknown, c: Context): Part[] {
  const { t, locale } = c;
  if (value === null || value === undefined || value === '') return EMPTY;
  const kind = detailKindOf(key);
  const plain = (v: unknown): Part[] => [{ text: typeof v === 'object' ? JSON.stringify(v) : String(v) }];
  if (!kind)
    return Array.isArray(value)
      ? value.length
        ? [{ text: value.map(String).join(', ') }]
        : EMPTY
      : plain(value);
  if (typeof kind === 'object') {
    if ('choice' in kind) {
      const labelKey = typeof value === 'string' ? kind.choice[value] : undefined;
      return labelKey ? [{ text: labelOr(t, labelKey, String(value)) }] : plain(value);
    }
    const entity = 'ref' in kind ? kind.ref : kind.refs;
    if (Array.isArray(value)) return value.length ? value.map((v) => reference(entity, v, c)) : EMPTY;
    // A plural key holding a number says how many there were, not which.
    if ('refs' in kind && typeof value === 'number') return [{ text: formatNumber(value, locale) }];
    return [reference(entity, value, c)];
  }
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean' || value === 0 || value === 1
        ? [{ text: t(value ? 'forms.yes' : 'forms.no') }]
        : plain(value);
    case 'number':
      return typeof value === 'number' ? [{ text: formatNumber(value, locale) }] : plain(value);
    case 'date':
      return typeof value === 'string' && isCalendarDate(value)
        ? [{ text: formatDate(value, locale) }]
        : plain(value);
    case 'instant':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? [{ text: formatDateTime(value, locale) }]
        : plain(value);
    case 'month':
      return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value)
        ? [{ text: formatMonth(value, locale) }]
        : plain(value);
    case 'audit_action':
      return [{ text: labelOr(t, `admin.action.${value}`, String(value)) }];
    case 'audit_entity':
      return [{ text: labelOr(t, `admin.entity.${value}`, String(value)) }];
    default:
      return Array.isArray(value) ? [{ text: value.map(String).join(', ') }] : plain(value);
  }
}

export function detailLines(entries: AuditDetailEntry[], c: Context): DetailLine[] {
  return entries.map((entry) => {
    const label = entry.key === '' ? '' : labelOr(c.t, detailLabelKey(entry.key), entry.key);
    const value = shown(entry.key, entry.value, c);
    return entry.change ? { label, from: shown(entry.key, entry.from, c), value } : { label, value };
  });
}

/** "3 gange, sidst kl. 10.42"; the date too when the last read fell on another day. */
function repeatedText(row: AuditRow, { t, locale }: Context): string | undefined {
  if (row.repeat_count < 2 || !row.last_at) return undefined;
  const sameDay = localDate(row.at) === localDate(row.last_at);
  return t('admin.audit.repeated', {
    count: formatNumber(row.repeat_count, locale),
    time: sameDay ? formatTime(row.last_at, locale) : formatDateTime(row.last_at, locale),
  });
}

/** The rows of an audit page (or an export batch) in the reader's language. */
export function presentAuditRows(page: AuditPageRows, t: Translate, locale: Locale): PresentedAuditRow[] {
  const c: Context = { t, locale, names: page.names };
  return page.rows.map((row) => {
    const entityKind = labelOr(t, `admin.entity.${row.entity_type}`, row.entity_type);
    return {
      id: row.id,
      at: row.at,
      repeated: repeatedText(row, c),
      actor:
        row.actor_user_id === null
          ? { text: t('admin.audit.system') }
          : {
              text: row.actor_name ?? `#${row.actor_user_id}`,
              href: `/admin/audit?person=${row.actor_user_id}`,
            },
      actorId: row.actor_user_id,
      action: labelOr(t, `admin.action.${row.action}`, row.action),
      entity: {
        text: `${entityKind}${row.entity_id !== null ? ` #${row.entity_id}` : ''}`,
        href: `/admin/audit?${new URLSearchParams({
          entity_type: row.entity_type,
          ...(row.entity_id !== null ? { entity_id: String(row.entity_id) } : {}),
        })}`,
      },
      entityKind,
      entityId: row.entity_id,
      ip: row.ip,
      repeatCount: row.repeat_count,
      lastAt: row.last_at,
      details: detailLines(row.entries, c),
    };
  });
}

/** A detail line as one piece of text: "Navn: Stevns → Stevns Kommune". */
export function detailText(line: DetailLine): string {
  const text = (parts: Part[]) => parts.map((p) => p.text).join(', ');
  const value = line.from ? `${text(line.from)} → ${text(line.value)}` : text(line.value);
  return line.label ? `${line.label}: ${value}` : value;
}
