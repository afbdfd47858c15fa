import { csvLine } from '../../web/csv.js';
import type { Locale } from '../../web/dates.js';
import type { Translate } from '../../web/i18n.js';
import type { DurationSummary } from './figures.js';
import { copenhagenLocal } from './period.js';
import type { LifecycleRow } from './stats.repository.js';
import type { StatsFigures } from './stats.service.js';

export { CSV_BOM } from '../../web/csv.js';

const HOUR = 3_600_000;
/** Hours with one decimal, as numbers for the spreadsheet. */
const hours = (msValue: number | null) => (msValue === null ? null : Math.round((msValue / HOUR) * 10) / 10);
const percent = (fraction: number | null) => (fraction === null ? null : Math.round(fraction * 1000) / 10);

/** The figures of /stats as rows of section; item; value. */
export function figuresCsv(report: StatsFigures, t: Translate, locale: Locale): string {
  const lines: (string | number | null)[][] = [];
  const add = (section: string, item: string, value: string | number | null) =>
    lines.push([t(section), item, value]);
  const duration = (section: string, d: DurationSummary) => {
    add(section, t('stats.csv.count'), d.n);
    add(section, t('stats.median'), hours(d.medianMs));
    add(section, t('stats.p90'), hours(d.p90Ms));
  };
  const c = report.concerns;
  add('stats.csv.period', t('stats.from'), report.period.from);
  add('stats.csv.period', t('stats.to'), report.period.to);
  for (const council of report.selected) add('stats.csv.councils', council.municipality, council.name);
  add('stats.csv.concerns', t('stats.csv.total'), c.total);
  for (const m of c.byMonth) add('stats.by_month', m.month, m.count);
  for (const k of c.byCategory) add('stats.by_category', locale === 'en' ? k.label_en : k.label_da, k.count);
  for (const k of c.byCouncil) add('stats.by_council', k.name, k.count);
  for (const [status, n] of Object.entries(c.byStatus))
    add('stats.status_now', t(`concerns.status.${status}`), n);
  for (const [resolution, n] of Object.entries(c.byResolution)) {
    add('stats.resolutions', t(`concerns.resolution.${resolution}`), n);
  }
  add('stats.csv.overdue_now', t('stats.csv.total'), c.overdueNow);
  duration('stats.csv.first_response_hours', c.firstResponse);
  duration('stats.csv.closing_hours', c.closing);
  add('stats.csv.referred', t('stats.csv.count'), c.referred);
  add('stats.csv.referred', t('stats.csv.percent'), percent(c.referredShare));
  for (const d of c.departments) {
    add('stats.csv.department', `${d.name}: ${t('stats.csv.referrals')}`, d.referrals);
    add('stats.csv.department', `${d.name}: ${t('stats.csv.concerns_referred')}`, d.concerns);
    add('stats.csv.department', `${d.name}: ${t('stats.csv.percent')}`, percent(d.share));
    add(
      'stats.csv.department',
      `${d.name}: ${t('stats.csv.acknowledge_median_hours')}`,
      hours(d.acknowledge.medianMs),
    );
    add('stats.csv.department', `${d.name}: ${t('stats.csv.answer_median_hours')}`, hours(d.answer.medianMs));
  }
  add('stats.csv.feedback', t('stats.csv.closed'), c.closed);
  add('stats.csv.feedback', t('stats.csv.count'), c.closedWithFeedback);
  add('stats.csv.feedback', t('stats.csv.percent'), percent(c.feedbackShare));
  const m = report.meetings;
  add('stats.meetings', t('stats.csv.held'), m.held);
  for (const [kind, n] of Object.entries(m.byKind)) add('stats.meetings', t(`meetings.kind.${kind}`), n);
  add('stats.meetings', t('stats.csv.attendees'), m.attendees);
  for (const [answer, n] of Object.entries(m.answers)) add('stats.meetings', t(`stats.answer.${answer}`), n);
  const n = report.newsletters;
  add('stats.newsletters', t('stats.csv.sent'), n.sent);
  add('stats.newsletters', t('stats.csv.reached'), n.reached);
  add('stats.newsletters', t('stats.csv.failed'), n.failed);
  add('stats.people', t('stats.csv.members'), report.people.members);
  add('stats.people', t('stats.csv.active'), report.people.active);
  for (const p of report.people.perCouncil) {
    add('stats.people', `${p.name}: ${t('stats.csv.members')}`, p.members);
    add('stats.people', `${p.name}: ${t('stats.csv.active')}`, p.active);
  }
  for (const s of report.surveys) {
    // Only councils with at least 5 answers are counted (the survey feature's rule): say how many.
    add('stats.csv.survey', `${s.title}: ${t('surveys.csv.councils_counted')}`, s.councilsShown);
    add('stats.csv.survey', `${s.title}: ${t('surveys.csv.councils')}`, s.councils);
    add('stats.csv.survey', `${s.title}: ${t('stats.csv.answered')}`, s.answered);
    add('stats.csv.survey', `${s.title}: ${t('stats.csv.invited')}`, s.invited);
    s.ratings?.forEach((count, i) => {
      add('stats.csv.survey', `${s.title}: ${t('stats.csv.rating', { rating: i + 1 })}`, count);
    });
    add(
      'stats.csv.survey',
      `${s.title}: ${t('stats.csv.mean')}`,
      s.mean === null ? null : Math.round(s.mean * 100) / 100,
    );
  }
  const header = [t('stats.csv.section'), t('stats.csv.item'), t('stats.csv.value')];
  return [header, ...lines].map((l) => csvLine(l, locale)).join('');
}

/** Column headings of the concerns export, in order. */
const LIFECYCLE_COLUMNS = [
  'number',
  'municipality',
  'council',
  'category',
  'status',
  'resolution',
  'feedback_given',
  'created',
  'first_response',
  'referred',
  'acknowledged',
  'answered',
  'closed',
  'departments',
  'hours_to_first_response',
  'hours_to_closing',
] as const;

export function lifecycleHeader(t: Translate, locale: Locale): string {
  return csvLine(
    LIFECYCLE_COLUMNS.map((c) => t(`stats.csv.column.${c}`)),
    locale,
  );
}

/** One concern's lifecycle; timestamps in Copenhagen time "2026-03-31 23:30". */
export function lifecycleLine(row: LifecycleRow, t: Translate, locale: Locale): string {
  const local = (iso: string | null) => (iso ? copenhagenLocal(iso) : null);
  const between = (a: string | null, b: string | null) =>
    a && b ? hours(Date.parse(b) - Date.parse(a)) : null;
  return csvLine(
    [
      row.id,
      row.municipality,
      row.council,
      row.category,
      t(`concerns.status.${row.status}`),
      row.resolution ? t(`concerns.resolution.${row.resolution}`) : null,
      row.status === 'closed' ? t(row.has_feedback ? 'stats.csv.yes' : 'stats.csv.no') : null,
      local(row.created_at),
      local(row.first_response_at),
      local(row.referred_at),
      local(row.acknowledged_at),
      local(row.answered_at),
      row.status === 'closed' ? local(row.closed_at) : null,
      row.departments,
      between(row.created_at, row.first_response_at),
      row.status === 'closed' ? between(row.created_at, row.closed_at) : null,
    ],
    locale,
  );
}
