import { SETTING_DEFAULTS, type SettingKey } from '../db/settings.repository.js';
import { MAIL_KINDS } from '../mail/outbox.repository.js';

/**
 * What an audit line's details may hold, and how /admin/audit (and its CSV) shows each one to a
 * reader who is not a developer — a data protection officer. `record(…, details)` accepts only
 * these keys, and an enumerated key only its listed values: the compiler refuses anything else
 * (OnlyAuditDetails), so every detail that can be written is listed here; and
 * test/unit/audit-details.test.ts refuses a key or an enumerated value without a Danish and
 * English label (`audit.detail.<key>` in locales/audit.json; a value's label is named below).
 *
 * A change is stored as `{ key: { from, to } }` and shown as "Navn: Glumsø → Glumsø By"; each side
 * is shown by the key's kind.
 */

/** Things a detail can point at: shown by name (looked up when shown) or as a linked number. */
export type AuditRefEntity =
  | 'council'
  | 'user'
  | 'municipality'
  | 'department'
  | 'category'
  | 'concern'
  | 'meeting'
  | 'post'
  | 'referral'
  | 'photo'
  | 'meeting_link';

export type AuditDetailKind =
  /** Shown as written: a name, an address, a search text, a reason. */
  | 'text'
  | 'number'
  /** Ja / Nej */
  | 'boolean'
  /** A calendar date YYYY-MM-DD: "24. februar 2015". */
  | 'date'
  /** A UTC instant: "24. februar 2015 kl. 17.30" (Copenhagen). */
  | 'instant'
  /** A month YYYY-MM: "februar 2015". */
  | 'month'
  /** An audit action or kind of thing, by its label on /admin/audit (the audit log's own filter). */
  | 'audit_action'
  | 'audit_entity'
  /** An operator setting (/admin/settings), named as its field there (`settings.field.<key>`). */
  | 'setting'
  /** One of fixed values; each value's label is the i18n key beside it. */
  | { choice: Readonly<Record<string, string>> }
  /** The id of one thing (a category by its slug). */
  | { ref: AuditRefEntity }
  /** A list of ids of things — or, as a plain number, how many there were. */
  | { refs: AuditRefEntity };

const labelsOf = <const V extends readonly string[]>(prefix: string, values: V) =>
  Object.fromEntries(values.map((v) => [v, `${prefix}.${v}`])) as Record<V[number], string>;

const SETTINGS = Object.fromEntries(Object.keys(SETTING_DEFAULTS).map((key) => [key, 'setting'])) as Record<
  SettingKey,
  'setting'
>;

// The enumerations are spelled out here rather than imported from the features, so the audit
// plumbing depends on no feature; test/unit/audit-details.test.ts checks they match the domain's.
const CONCERN_STATUSES = labelsOf('concerns.status', ['new', 'in_progress', 'awaiting_department', 'closed']);

export const AUDIT_DETAILS = {
  // Who and what
  name: 'text',
  email: 'text',
  adminEmail: 'text',
  title: 'text',
  slug: 'text',
  labelDa: 'text',
  labelEn: 'text',
  areaDescription: 'text',
  department: 'text',
  agendaItem: 'text',
  period: 'text',
  reason: 'text',
  // The lists of concerns: a search text and the filters (/triage, /concerns)
  q: 'text',
  list: { choice: labelsOf('audit.value.list', ['triage', 'concerns']) },
  status: {
    choice: {
      ...CONCERN_STATUSES,
      open: 'triage.filter.status_open',
      all: 'triage.filter.status_all',
    },
  },
  priority: { choice: labelsOf('concerns.priority', ['high', 'normal', 'low']) },
  category: { ref: 'category' },
  awaiting: 'boolean',
  overdue: 'boolean',
  // A concern's handling
  resolution: {
    choice: labelsOf('concerns.resolution', ['resolved', 'referred_closed', 'not_police', 'duplicate']),
  },
  duplicateOf: { ref: 'concern' },
  page: { choice: labelsOf('audit.value.page', ['referral_form']) },
  photoId: { ref: 'photo' },
  photos: 'number',
  referralId: { ref: 'referral' },
  // Members, officers and councils
  role: { choice: labelsOf('roles', ['network_person', 'council_admin']) },
  outcome: { choice: labelsOf('audit.value.outcome', ['invited', 'added', 'reinvited']) },
  active: 'boolean',
  isPilot: 'boolean',
  userDeactivated: 'boolean',
  reinvited: 'boolean',
  municipalityCreated: 'boolean',
  agreementSignedOn: 'date',
  sortOrder: 'number',
  councilId: { ref: 'council' },
  council_id: { ref: 'council' },
  councilIds: { refs: 'council' },
  councils: { refs: 'council' },
  added: { refs: 'council' },
  removed: { refs: 'council' },
  userId: { ref: 'user' },
  officerId: { ref: 'user' },
  municipalityId: { ref: 'municipality' },
  departmentId: { ref: 'department' },
  suggestedDepartmentId: { ref: 'department' },
  // The person's own settings
  locale: { choice: { da: 'account.locale_da', en: 'account.locale_en' } },
  notifyConcernUpdates: 'boolean',
  notifyNewsletters: 'boolean',
  notifyMeetings: 'boolean',
  notifyPosts: 'boolean',
  notifyConcernAdditions: 'boolean',
  notifySharedSummaries: 'boolean',
  // Newsletters, meetings, posts, templates, surveys
  sendAt: 'instant',
  month: 'month',
  count: 'number',
  invited: 'number',
  attendance: 'number',
  announced_to: 'number',
  concerns: { refs: 'concern' },
  comments: 'number',
  kind: { choice: labelsOf('meetings.kind', ['borgermoede', 'netvaerksmoede', 'faellesmoede']) },
  notified: 'boolean',
  meetingId: { ref: 'meeting' },
  linkId: { ref: 'meeting_link' },
  post_id: { ref: 'post' },
  body: { choice: { changed: 'audit.value.changed' } },
  opensOn: 'date',
  closesOn: 'date',
  wasOpen: 'boolean',
  // A mail sent again from /admin/outbox
  mailKind: { choice: labelsOf('outbox.kind', MAIL_KINDS) },
  // A period (exports of /stats and of the audit log itself) and the audit log's own filters
  from: 'date',
  to: 'date',
  action: 'audit_action',
  entityType: 'audit_entity',
  entityId: 'number',
  // A change of the operator settings: one key per setting
  ...SETTINGS,
} as const satisfies Record<string, AuditDetailKind>;

export type AuditDetailKey = keyof typeof AUDIT_DETAILS;

/** An enumerated detail takes only its listed values; the others any value. */
type DetailValue<K extends AuditDetailKey> = (typeof AUDIT_DETAILS)[K] extends { choice: infer C }
  ? keyof C
  : unknown;

/** The details of one audit line: only listed keys, each a value or a change `{ from, to }`. */
export type AuditDetails = {
  [K in AuditDetailKey]?: DetailValue<K> | null | { from: DetailValue<K> | null; to: DetailValue<K> | null };
};

/**
 * Details `D` with no key outside the list, also when they arrive as a variable, a spread or a
 * computed diff, where TypeScript's excess-property check does not look: a key that is not listed
 * must be `never`, and a type that could hold any key (`Record<string, unknown>`) is refused.
 */
export type OnlyAuditDetails<D> = D & { [K in Exclude<keyof D, AuditDetailKey>]: never };

export const detailKindOf = (key: string): AuditDetailKind | undefined =>
  Object.hasOwn(AUDIT_DETAILS, key) ? AUDIT_DETAILS[key as AuditDetailKey] : undefined;

/** The i18n key of a detail's label: `audit.detail.<key>`, a setting's its field's on /admin/settings. */
export const detailLabelKey = (key: string): string =>
  detailKindOf(key) === 'setting' ? `settings.field.${key}` : `audit.detail.${key}`;

/** One detail as stored: a value, or a change from one value to another. */
export type AuditDetailEntry = { key: string; value: unknown } & (
  | { change: false }
  | { change: true; from: unknown }
);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
  isPlainObject(v) && 'from' in v && 'to' in v && Object.keys(v).length === 2;

/**
 * The details of a stored line as entries, whatever shape they were written in: `{ key: value }`,
 * `{ key: { from, to } }`, or — as membership changes are written — `{ from: {…}, to: {…} }`,
 * which becomes one change per field that differs. Lines written before a shape changed stay
 * readable, so this is lenient: what is not JSON is one text entry under the empty key.
 */
export function detailEntries(json: string): AuditDetailEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [{ key: '', value: json, change: false }];
  }
  if (!isPlainObject(value)) return [];
  const { from, to, ...rest } = value;
  const entries = (object: Record<string, unknown>): AuditDetailEntry[] =>
    Object.entries(object).map(([key, v]) =>
      isChange(v) ? { key, from: v.from, value: v.to, change: true } : { key, value: v, change: false },
    );
  if (!isPlainObject(from) || !isPlainObject(to)) return entries(value);
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  return [
    ...entries(rest),
    ...fields
      .filter((key) => JSON.stringify(from[key]) !== JSON.stringify(to[key]))
      .map(
        (key): AuditDetailEntry => ({ key, from: from[key] ?? null, value: to[key] ?? null, change: true }),
      ),
  ];
}

/** The ids (categories: slugs) the entries point at, per kind of thing, to look their names up at once. */
export function referencesIn(entries: Iterable<AuditDetailEntry>): Map<AuditRefEntity, Set<number | string>> {
  const refs = new Map<AuditRefEntity, Set<number | string>>();
  const add = (entity: AuditRefEntity, v: unknown) => {
    if (typeof v !== 'number' && typeof v !== 'string') return;
    const set = refs.get(entity) ?? new Set();
    refs.set(entity, set.add(v));
  };
  for (const entry of entries) {
    const kind = detailKindOf(entry.key);
    if (!kind || typeof kind !== 'object' || 'choice' in kind) continue;
    const entity = 'ref' in kind ? kind.ref : kind.refs;
    for (const v of entry.change ? [entry.from, entry.value] : [entry.value]) {
      if (Array.isArray(v)) for (const item of v) add(entity, item);
      else if ('ref' in kind) add(entity, v);
    }
  }
  return refs;
}
