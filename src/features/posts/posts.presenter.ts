import { formatNumber, type Locale } from '../../web/dates.js';
import type { Translate } from '../../web/i18n.js';
import type { FigureRow } from './posts.repository.js';

/**
 * Turns a post's figures into what the page shows: the table rows and the geometry of the
 * server-rendered SVG bar chart. Pure functions, so the numbers are unit-tested without a page.
 */

export type FigureTableRow = {
  label: string;
  current: string;
  previous: string;
  change: string;
};

const MINUS = '\u2212';

const signed = (n: number, locale: Locale) =>
  n > 0 ? `+${formatNumber(n, locale)}` : n < 0 ? `${MINUS}${formatNumber(-n, locale)}` : '0';

/** "+4 (+33,3 %)"; "–" when either period is unknown; no percentage from a previous 0. */
export function formatChange(current: number | null, previous: number | null, locale: Locale): string {
  if (current === null || previous === null) return '–';
  const diff = current - previous;
  if (previous === 0) return signed(diff, locale);
  const pct = Math.round((diff / previous) * 1000) / 10;
  const pctText = signed(pct, locale);
  return `${signed(diff, locale)} (${pctText}${locale === 'da' ? ' %' : '%'})`;
}

export const categoryLabel = (f: Pick<FigureRow, 'label_da' | 'label_en'>, locale: Locale) =>
  locale === 'en' ? f.label_en : f.label_da;

export function figureTable(figures: FigureRow[], locale: Locale): FigureTableRow[] {
  const show = (n: number | null) => (n === null ? '–' : formatNumber(n, locale));
  return figures.map((f) => ({
    label: categoryLabel(f, locale),
    current: show(f.current_count),
    previous: show(f.previous_count),
    change: formatChange(f.current_count, f.previous_count, locale),
  }));
}

// Colours on white: the current period in DKFDS blue (9:1), the previous in dark grey (5:1) —
// both above the 3:1 WCAG asks of graphics; text is near-black.
export const CHART_COLOURS = { current: '#004993', previous: '#6b6b6b', text: '#1a1a1a' } as const;

export type ChartBar = {
  kind: 'current' | 'previous';
  x: number;
  y: number;
  width: number;
  height: number;
  valueText: string;
  textX: number;
  textY: number;
  fill: string;
};

export type Chart = {
  width: number;
  height: number;
  fontSize: number;
  textFill: string;
  title: string;
  description: string;
  legend: { x: number; y: number; label: string; fill: string; textX: number; textY: number }[];
  rows: { label: string; labelY: number; bars: ChartBar[] }[];
};

const WIDTH = 400;
const LEGEND_HEIGHT = 34;
const LABEL_HEIGHT = 20;
const BAR_HEIGHT = 18;
const BAR_GAP = 4;
const ROW_GAP = 14;
const VALUE_ROOM = 64;

/**
 * Paired horizontal bars, one pair per category, in a 400-unit-wide viewBox: horizontal because
 * category names are long and a phone is narrow. Null when there are no figures to draw.
 */
export function barChart(figures: FigureRow[], t: Translate, locale: Locale, period: string): Chart | null {
  if (figures.length === 0) return null;
  const max = Math.max(1, ...figures.flatMap((f) => [f.current_count ?? 0, f.previous_count ?? 0]));
  const scale = (WIDTH - VALUE_ROOM) / max;
  const unknown = t('posts.figures.unknown');
  const rowHeight = LABEL_HEIGHT + 2 * BAR_HEIGHT + BAR_GAP + ROW_GAP;
  const rows = figures.map((f, i) => {
    const top = LEGEND_HEIGHT + i * rowHeight;
    const bar = (kind: 'current' | 'previous', value: number | null, y: number): ChartBar => {
      const width = value === null ? 0 : Math.round(value * scale * 10) / 10;
      return {
        kind,
        x: 0,
        y,
        width,
        height: BAR_HEIGHT,
        valueText: value === null ? unknown : formatNumber(value, locale),
        textX: Math.round((width + 6) * 10) / 10,
        textY: y + BAR_HEIGHT - 4,
        fill: CHART_COLOURS[kind],
      };
    };
    const barsTop = top + LABEL_HEIGHT;
    return {
      label: categoryLabel(f, locale),
      labelY: top + 15,
      bars: [
        bar('current', f.current_count, barsTop),
        bar('previous', f.previous_count, barsTop + BAR_HEIGHT + BAR_GAP),
      ],
    };
  });
  const currentLabel = t('posts.figures.current');
  const previousLabel = t('posts.figures.previous');
  const description = figures
    .map((f) =>
      t('posts.chart.item', {
        category: categoryLabel(f, locale),
        current: f.current_count === null ? unknown : formatNumber(f.current_count, locale),
        previous: f.previous_count === null ? unknown : formatNumber(f.previous_count, locale),
      }),
    )
    .join(' ');
  return {
    width: WIDTH,
    height: LEGEND_HEIGHT + figures.length * rowHeight - ROW_GAP + 4,
    fontSize: 14,
    textFill: CHART_COLOURS.text,
    title: t('posts.chart.title', { period }),
    description,
    legend: [
      { x: 0, y: 8, label: currentLabel, fill: CHART_COLOURS.current, textX: 20, textY: 20 },
      { x: 190, y: 8, label: previousLabel, fill: CHART_COLOURS.previous, textX: 210, textY: 20 },
    ],
    rows,
  };
}
