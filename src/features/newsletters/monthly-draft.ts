import { localDate, parseLocalDateTime } from '../../web/dates.js';
import type { Translate } from '../../web/i18n.js';

/**
 * "Det har vi arbejdet med": the pure part of the monthly draft — which Copenhagen month is the
 * previous one, and the title and Markdown body built from the shared summaries. No database, no
 * clock: the job (monthly-draft.job.ts) supplies both.
 */

export type CopenhagenMonth = {
  /** 'YYYY-MM' */
  key: string;
  /** UTC ISO instant of the 1st at 00:00 Copenhagen time (inclusive). */
  start: string;
  /** UTC ISO instant of the next month's 1st at 00:00 Copenhagen time (exclusive). */
  end: string;
};

const pad = (n: number) => String(n).padStart(2, '0');

/** The Copenhagen month with key 'YYYY-MM' and its bounds as UTC instants. */
export function copenhagenMonth(key: string): CopenhagenMonth {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) throw new Error(`not a month: ${key}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${pad(month + 1)}`;
  // Midnight always exists in Copenhagen (the clocks change at 02:00/03:00).
  const start = parseLocalDateTime(`${key}-01T00:00`);
  const end = parseLocalDateTime(`${next}-01T00:00`);
  if (!start || !end) throw new Error(`no Copenhagen midnight for ${key}`);
  return { key, start, end };
}

/** The month before the one `now` falls in, in Copenhagen time (1 December 00:05 local → November). */
export function previousCopenhagenMonth(now: Date): CopenhagenMonth {
  const [y, mo] = localDate(now).split('-').map(Number) as [number, number];
  return copenhagenMonth(mo === 1 ? `${y - 1}-12` : `${y}-${pad(mo - 1)}`);
}

/** "november 2026" (da) / "November 2026" (en). */
export function monthName(key: string, locale: 'da' | 'en' = 'da'): string {
  const [y, mo] = key.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale === 'da' ? 'da-DK' : 'en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, mo - 1, 15, 12)));
}

/**
 * Text written by people, made inert inside Markdown: characters that would start emphasis, code,
 * links, HTML or an entity are backslash-escaped, and so is a line start that would open a heading,
 * quote, list, rule or code block. Leading spaces go, so nothing becomes an indented code block.
 * Only what Markdown would act on is escaped, so the plain-text part stays readable.
 */
export function escapeMarkdownInline(text: string): string {
  return text
    .trim()
    .replace(/[\\`*_[\]<~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/^([#>+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * A summary as the rest of a list item: each line escaped, lines of a paragraph joined by a line
 * break, paragraphs kept apart — all indented so they stay inside the item.
 */
export function summaryAsListItem(summary: string): string {
  const paragraphs = summary
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map(escapeMarkdownInline)
        .filter((line) => line !== '')
        .join('\n  '),
    )
    .filter((p) => p !== '');
  return paragraphs.join('\n\n  ');
}

export type MonthlyDraftItem = {
  /** The category's Danish label. */
  category: string;
  /** The shared summary an officer wrote for the network — the only text of the concern used. */
  summary: string;
};

/**
 * Title and Markdown body of the monthly draft, in the language of `t` (the network's Danish):
 * an intro, one bullet per concern ("**Kategori:** resumé"), and a closing line. Bullets that would
 * take the body past `maxLength` (the edit form's limit) are left out, and the body says how many.
 */
export function buildMonthlyDraft(input: {
  t: Translate;
  month: string;
  locale?: 'da' | 'en';
  councilName: string;
  items: MonthlyDraftItem[];
  maxLength?: number;
}): { title: string; markdown: string; included: number } {
  const { t } = input;
  const month = monthName(input.month, input.locale ?? 'da');
  const title = t('newsletters.monthly.title', { month });
  const intro = t('newsletters.monthly.intro', {
    month,
    council: escapeMarkdownInline(input.councilName),
  });
  const closing = t('newsletters.monthly.closing');
  const bullets = input.items
    .map((item) => {
      const summary = summaryAsListItem(item.summary);
      return summary === '' ? null : `- **${escapeMarkdownInline(item.category)}:** ${summary}`;
    })
    .filter((b): b is string => b !== null);
  const max = input.maxLength ?? Number.POSITIVE_INFINITY;
  // Room for the intro, the closing, the "shortened" note and the blank lines between them.
  const reserve =
    intro.length + closing.length + t('newsletters.monthly.more', { count: bullets.length }).length + 8;
  const kept: string[] = [];
  let length = reserve;
  for (const bullet of bullets) {
    if (length + bullet.length + 1 > max) break;
    kept.push(bullet);
    length += bullet.length + 1;
  }
  const left = bullets.length - kept.length;
  const parts = [intro, kept.join('\n')];
  if (left > 0) parts.push(t('newsletters.monthly.more', { count: left }));
  parts.push(closing);
  return { title, markdown: parts.filter((p) => p !== '').join('\n\n'), included: kept.length };
}
