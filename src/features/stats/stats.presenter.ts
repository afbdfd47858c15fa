import { formatDate, formatMonth, formatNumber, type Locale } from '../../web/dates.js';
import type { Translate } from '../../web/i18n.js';
import { RESOLUTIONS, STATUSES } from '../concerns/concern-state.js';
import { MEETING_KINDS } from '../meetings/meetings.policy.js';
import type { KeyFigures, StatsReport } from './stats.service.js';

/**
 * Turns a StatsReport into what /stats and the printed report show: formatted numbers, durations
 * and shares, the rows of every table and the geometry of the server-rendered SVG bar charts.
 * Pure functions, so the presentation is unit-tested without a page
 * (test/unit/features/stats-presenter.test.ts).
 */

const MINUS = '\u2212';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** "–" for a figure that cannot be computed (no values, nothing to divide by). */
const NONE = '–';

/**
 * A calendar duration in the unit a reader thinks in: minutes under an hour, hours (one decimal)
 * under two days, days (one decimal) beyond — "45 min.", "5,5 timer", "3,2 døgn" /
 * "45 min", "5.5 hours", "3.2 days".
 */
export function formatDuration(msValue: number | null, locale: Locale): string {
  if (msValue === null || !Number.isFinite(msValue)) return NONE;
  const da = locale === 'da';
  const sign = msValue < 0 ? MINUS : '';
  const abs = Math.abs(msValue);
  if (abs < HOUR) {
    const minutes = Math.round(abs / 60_000);
    return `${sign}${formatNumber(minutes, locale, 0)} ${da ? 'min.' : 'min'}`;
  }
  if (abs < 2 * DAY) {
    const hours = Math.round((abs / HOUR) * 10) / 10;
    const unit = hours === 1 ? (da ? 'time' : 'hour') : da ? 'timer' : 'hours';
    return `${sign}${formatNumber(hours, locale, 1)} ${unit}`;
  }
  const days = Math.round((abs / DAY) * 10) / 10;
  return `${sign}${formatNumber(days, locale, 1)} ${da ? 'døgn' : 'days'}`;
}

/** A share 0–1 as "42,9 %" / "42.9%"; "–" when there is nothing to divide by. */
export function formatPercent(fraction: number | null, locale: Locale): string {
  if (fraction === null || !Number.isFinite(fraction)) return NONE;
  const value = formatNumber(Math.round(fraction * 1000) / 10, locale, 1);
  return locale === 'da' ? `${value} %` : `${value}%`;
}

/** "2026-01" → "januar 2026" / "January 2026". */
export const monthLabel = formatMonth;

/** "1. december 2025 – 25. november 2026". */
export function periodText(p: { from: string; to: string }, locale: Locale): string {
  return `${formatDate(p.from, locale)} – ${formatDate(p.to, locale)}`;
}

const signed = (n: number, text: string) => (n > 0 ? `+${text}` : n < 0 ? `${MINUS}${text}` : text);

/** Counts: "+4 (+33,3 %)"; no percentage from a previous 0; "–" when either is unknown. */
export function formatCountChange(current: number | null, previous: number | null, locale: Locale): string {
  if (current === null || previous === null) return NONE;
  const diff = current - previous;
  const abs = formatNumber(Math.abs(Math.round(diff * 10) / 10), locale);
  if (previous === 0 || diff === 0) return signed(diff, abs);
  const pct = Math.round((diff / previous) * 1000) / 10;
  const pctText = signed(pct, formatNumber(Math.abs(pct), locale, 1));
  return `${signed(diff, abs)} (${pctText}${locale === 'da' ? ' %' : '%'})`;
}

/** Durations: the difference as a duration, "−1,5 timer". */
export function formatDurationChange(
  current: number | null,
  previous: number | null,
  locale: Locale,
): string {
  if (current === null || previous === null) return NONE;
  const diff = current - previous;
  if (diff === 0) return formatDuration(0, locale);
  const text = formatDuration(Math.abs(diff), locale);
  return diff > 0 ? `+${text}` : `${MINUS}${text}`;
}

/** Shares: the difference in percentage points, "+5,0 procentpoint" / "+5.0 percentage points". */
export function formatShareChange(current: number | null, previous: number | null, locale: Locale): string {
  if (current === null || previous === null) return NONE;
  const points = Math.round((current - previous) * 1000) / 10;
  const text = formatNumber(Math.abs(points), locale, 1);
  return `${signed(points, text)} ${locale === 'da' ? 'procentpoint' : 'percentage points'}`;
}

// ---------------------------------------------------------------------------------------------
// Charts

/**
 * One colour for the bars: DKFDS blue on white (9:1, well above the 3:1 WCAG asks of graphics).
 * Every value is printed beside its bar, so nothing depends on colour, also in grey print.
 */
const STATS_CHART_COLOURS = { bar: '#004993', text: '#1a1a1a', axis: '#6b6b6b' } as const;

export type SeriesItem = { label: string; value: number };

export type StatsChartRow = {
  label: string;
  labelY: number;
  x: number;
  y: number;
  width: number;
  height: number;
  valueText: string;
  textX: number;
  textY: number;
};

export type StatsChart = {
  id: string;
  width: number;
  height: number;
  fontSize: number;
  barFill: string;
  textFill: string;
  axisStroke: string;
  title: string;
  description: string;
  rows: StatsChartRow[];
};

export const CHART_WIDTH = 340;
const LABEL_HEIGHT = 18;
const BAR_HEIGHT = 16;
const ROW_GAP = 10;
/** Room right of the longest bar for its value ("12.345"). */
const VALUE_ROOM = 56;

/**
 * A single-series horizontal bar chart in a 340-unit-wide viewBox (about 1:1 on a phone), the label above each bar and
 * the value beside it: horizontal because labels (councils, categories) are long and a phone is
 * narrow. The longest bar spans the width less room for its value. Null when there is nothing to
 * draw (no items, or every value 0): the page says so in a sentence instead.
 */
export function barChart(
  id: string,
  items: SeriesItem[],
  text: { title: string; locale: Locale },
): StatsChart | null {
  if (items.length === 0 || items.every((i) => i.value === 0)) return null;
  const max = Math.max(...items.map((i) => i.value));
  const scale = (CHART_WIDTH - VALUE_ROOM) / max;
  const rowHeight = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP;
  const rows = items.map((item, i) => {
    const top = i * rowHeight;
    const y = top + LABEL_HEIGHT;
    // A value above 0 always shows at least a sliver, so it is not mistaken for 0.
    const raw = item.value * scale;
    const width = item.value > 0 ? Math.max(2, Math.round(raw * 10) / 10) : 0;
    return {
      label: item.label,
      labelY: top + 13,
      x: 0,
      y,
      width,
      height: BAR_HEIGHT,
      valueText: formatNumber(item.value, text.locale),
      textX: Math.round((width + 6) * 10) / 10,
      textY: y + BAR_HEIGHT - 3,
    };
  });
  return {
    id,
    width: CHART_WIDTH,
    height: items.length * rowHeight - ROW_GAP + 2,
    fontSize: 13,
    barFill: STATS_CHART_COLOURS.bar,
    textFill: STATS_CHART_COLOURS.text,
    axisStroke: STATS_CHART_COLOURS.axis,
    title: text.title,
    description: items.map((i) => `${i.label}: ${formatNumber(i.value, text.locale)}.`).join(' '),
    rows,
  };
}

// ---------------------------------------------------------------------------------------------
// The page's view model

export type Series = {
  id: string;
  heading: string;
  /** Column headings of the table view. */
  labelHeading: string;
  valueHeading: string;
  rows: { label: string; value: string; share: string }[];
  total: string;
  chart: StatsChart | null;
};

export type KeyTile = { label: string; value: string };

export type ComparisonRow = { label: string; a: string; b: string; change?: string };

export type SurveyView = {
  id: number;
  title: string;
  period: string;
  /** null when the survey feature shows no council's figures (fewer than 5 answers in each). */
  answered: string | null;
  invited: string | null;
  responseRate: string;
  mean: string;
  /** The survey feature's sentences on figures withheld or counted for only some councils. */
  notes: string[];
  /** null when the survey feature withholds the ratings (fewer than 5 answers, or still open). */
  ratings: Series | null;
  comments?: string[];
};

export type StatsView = {
  periodText: string;
  previousPeriodText: string;
  councilNames: string;
  generatedDate: string;
  tiles: KeyTile[];
  byMonth: Series;
  byCategory: Series;
  byCouncil: Series;
  byStatus: Series;
  byResolution: Series;
  departments: {
    name: string;
    referrals: string;
    concerns: string;
    share: string;
    acknowledge: string;
    answer: string;
  }[];
  meetings: { label: string; value: string }[];
  newsletters: { label: string; value: string }[];
  people: { name: string; members: string; active: string }[];
  peopleTotal: { members: string; active: string };
  periodComparison: ComparisonRow[];
  groupComparison: ComparisonRow[] | null;
  surveys: SurveyView[];
};

function series(
  id: string,
  heading: string,
  labelHeading: string,
  items: SeriesItem[],
  t: Translate,
  locale: Locale,
): Series {
  const sum = items.reduce((a, i) => a + i.value, 0);
  return {
    id,
    heading,
    labelHeading,
    valueHeading: t('stats.table.count'),
    rows: items.map((i) => ({
      label: i.label,
      value: formatNumber(i.value, locale),
      share: formatPercent(sum === 0 ? null : i.value / sum, locale),
    })),
    total: formatNumber(sum, locale),
    chart: barChart(`chart-${id}`, items, { title: heading, locale }),
  };
}

/** The side-by-side rows of two KeyFigures; `change` only for period against period. */
function comparisonRows(a: KeyFigures, b: KeyFigures, t: Translate, locale: Locale, withChange: boolean) {
  const n = (v: number | null, digits?: number) => (v === null ? NONE : formatNumber(v, locale, digits));
  const perCouncil = (v: number | null) =>
    v === null ? NONE : formatNumber(Math.round(v * 10) / 10, locale);
  type Kind = 'count' | 'duration' | 'share';
  const rows: [string, keyof KeyFigures, Kind][] = [
    ['stats.key.councils', 'councils', 'count'],
    ['stats.key.concerns', 'concerns', 'count'],
    ['stats.key.concerns_per_council', 'concernsPerCouncil', 'count'],
    ['stats.key.first_response_median', 'firstResponseMedianMs', 'duration'],
    ['stats.key.first_response_p90', 'firstResponseP90Ms', 'duration'],
    ['stats.key.closing_median', 'closingMedianMs', 'duration'],
    ['stats.key.closing_p90', 'closingP90Ms', 'duration'],
    ['stats.key.referred_share', 'referredShare', 'share'],
    ['stats.key.feedback_share', 'feedbackShare', 'share'],
    ['stats.key.meetings_held', 'meetingsHeld', 'count'],
    ['stats.key.attendees', 'attendees', 'count'],
    ['stats.key.newsletters_sent', 'newslettersSent', 'count'],
    ['stats.key.recipients_reached', 'recipientsReached', 'count'],
    ['stats.key.active_members', 'activeMembers', 'count'],
  ];
  return rows.map(([key, field, kind]): ComparisonRow => {
    const x = a[field];
    const y = b[field];
    const show = (v: number | null) =>
      kind === 'duration'
        ? formatDuration(v, locale)
        : kind === 'share'
          ? formatPercent(v, locale)
          : field === 'concernsPerCouncil'
            ? perCouncil(v)
            : n(v);
    const row: ComparisonRow = { label: t(key), a: show(x), b: show(y) };
    if (withChange) {
      row.change =
        kind === 'duration'
          ? formatDurationChange(x, y, locale)
          : kind === 'share'
            ? formatShareChange(x, y, locale)
            : formatCountChange(x, y, locale);
    }
    return row;
  });
}

export function presentStats(report: StatsReport, t: Translate, locale: Locale): StatsView {
  const c = report.concerns;
  const num = (v: number) => formatNumber(v, locale);

  const tiles: KeyTile[] = [
    { label: t('stats.key.concerns'), value: num(c.total) },
    { label: t('stats.key.first_response_median'), value: formatDuration(c.firstResponse.medianMs, locale) },
    { label: t('stats.key.first_response_p90'), value: formatDuration(c.firstResponse.p90Ms, locale) },
    { label: t('stats.key.closing_median'), value: formatDuration(c.closing.medianMs, locale) },
    { label: t('stats.key.closing_p90'), value: formatDuration(c.closing.p90Ms, locale) },
    { label: t('stats.key.referred_share'), value: formatPercent(c.referredShare, locale) },
    { label: t('stats.key.feedback_share'), value: formatPercent(c.feedbackShare, locale) },
    { label: t('stats.key.overdue_now'), value: num(c.overdueNow) },
  ];

  const m = report.meetings;
  const nl = report.newsletters;
  return {
    periodText: periodText(report.period, locale),
    previousPeriodText: periodText(report.previous, locale),
    councilNames: report.selected.map((x) => x.name).join(', '),
    generatedDate: formatDate(report.generatedAt, locale),
    tiles,
    byMonth: series(
      'month',
      t('stats.by_month'),
      t('stats.table.month'),
      c.byMonth.map((x) => ({ label: monthLabel(x.month, locale), value: x.count })),
      t,
      locale,
    ),
    byCategory: series(
      'category',
      t('stats.by_category'),
      t('stats.table.category'),
      c.byCategory.map((x) => ({ label: locale === 'en' ? x.label_en : x.label_da, value: x.count })),
      t,
      locale,
    ),
    byCouncil: series(
      'council',
      t('stats.by_council'),
      t('stats.table.council'),
      c.byCouncil.map((x) => ({ label: x.name, value: x.count })),
      t,
      locale,
    ),
    byStatus: series(
      'status',
      t('stats.status_now'),
      t('stats.table.status'),
      STATUSES.map((s) => ({ label: t(`concerns.status.${s}`), value: c.byStatus[s] })),
      t,
      locale,
    ),
    byResolution: series(
      'resolution',
      t('stats.resolutions'),
      t('stats.resolutions'),
      RESOLUTIONS.map((s) => ({ label: t(`concerns.resolution.${s}`), value: c.byResolution[s] })),
      t,
      locale,
    ),
    departments: c.departments.map((d) => ({
      name: d.name,
      referrals: num(d.referrals),
      concerns: num(d.concerns),
      share: formatPercent(d.share, locale),
      acknowledge: formatDuration(d.acknowledge.medianMs, locale),
      answer: formatDuration(d.answer.medianMs, locale),
    })),
    meetings: [
      { label: t('stats.csv.held'), value: num(m.held) },
      ...MEETING_KINDS.map((k) => ({
        label: t(`meetings.kind.${k}`),
        value: num(m.byKind[k]),
      })),
      { label: t('stats.csv.attendees'), value: num(m.attendees) },
      { label: t('stats.answer.yes'), value: num(m.answers.yes) },
      { label: t('stats.answer.maybe'), value: num(m.answers.maybe) },
      { label: t('stats.answer.no'), value: num(m.answers.no) },
    ],
    newsletters: [
      { label: t('stats.csv.sent'), value: num(nl.sent) },
      { label: t('stats.csv.reached'), value: num(nl.reached) },
      { label: t('stats.csv.failed'), value: num(nl.failed) },
    ],
    people: report.people.perCouncil.map((p) => ({
      name: p.name,
      members: num(p.members),
      active: num(p.active),
    })),
    peopleTotal: { members: num(report.people.members), active: num(report.people.active) },
    periodComparison: comparisonRows(report.comparison.current, report.comparison.previous, t, locale, true),
    groupComparison:
      report.comparison.pilot && report.comparison.others
        ? comparisonRows(report.comparison.pilot, report.comparison.others, t, locale, false)
        : null,
    surveys: report.surveys.map((s) => ({
      id: s.id,
      title: s.title,
      period: periodText({ from: s.opensOn, to: s.closesOn }, locale),
      // null: no council in scope has enough answers to be shown (the survey feature's rule).
      answered: s.answered === null ? null : num(s.answered),
      invited: s.invited === null ? null : num(s.invited),
      responseRate: formatPercent(
        s.answered === null || s.invited === null || s.invited === 0 ? null : s.answered / s.invited,
        locale,
      ),
      notes: s.notes.map((n) => t(n.key, n.params)),
      mean: s.mean === null ? NONE : formatNumber(Math.round(s.mean * 100) / 100, locale, 2),
      ratings:
        s.ratings === null
          ? null
          : series(
              `survey-${s.id}`,
              t('stats.survey.ratings_heading', { title: s.title }),
              t('stats.survey.rating'),
              s.ratings.map((count, i) => ({ label: t(`stats.survey.rating.${i + 1}`), value: count })),
              t,
              locale,
            ),
      comments: s.comments,
    })),
  };
}
