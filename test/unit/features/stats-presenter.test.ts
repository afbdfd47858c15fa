import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { period, previousPeriod } from '../../../src/features/stats/period.js';
import {
  barChart,
  CHART_WIDTH,
  formatCountChange,
  formatDuration,
  formatDurationChange,
  formatPercent,
  formatShareChange,
  monthLabel,
  periodText,
  presentStats,
} from '../../../src/features/stats/stats.presenter.js';
import type { KeyFigures, StatsReport } from '../../../src/features/stats/stats.service.js';
import { loadMessages, translator } from '../../../src/web/i18n.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const messages = loadMessages();
const tDa = translator(messages, 'da');
const tEn = translator(messages, 'en');

describe('stats presenter: durations, shares and months', () => {
  it('formats durations in the unit a reader thinks in, with a decimal comma in Danish', () => {
    assert.equal(formatDuration(45 * MIN, 'da'), '45 min.');
    assert.equal(formatDuration(45 * MIN, 'en'), '45 min');
    assert.equal(formatDuration(5.5 * HOUR, 'da'), '5,5 timer');
    assert.equal(formatDuration(5.5 * HOUR, 'en'), '5.5 hours');
    assert.equal(formatDuration(HOUR, 'da'), '1,0 time');
    assert.equal(formatDuration(HOUR, 'en'), '1.0 hour');
    assert.equal(formatDuration(47.9 * HOUR, 'da'), '47,9 timer');
    assert.equal(formatDuration(3.2 * DAY, 'da'), '3,2 døgn');
    assert.equal(formatDuration(3.2 * DAY, 'en'), '3.2 days');
    assert.equal(formatDuration(0, 'da'), '0 min.');
  });

  it('shows a dash for a duration or share that cannot be computed', () => {
    assert.equal(formatDuration(null, 'da'), '–');
    assert.equal(formatPercent(null, 'en'), '–');
  });

  it('formats shares as per cent with one decimal', () => {
    assert.equal(formatPercent(3 / 7, 'da'), '42,9 %');
    assert.equal(formatPercent(3 / 7, 'en'), '42.9%');
    assert.equal(formatPercent(1, 'da'), '100,0 %');
    assert.equal(formatPercent(0, 'da'), '0,0 %');
  });

  it('names months in words, in Danish and English', () => {
    assert.equal(monthLabel('2026-01', 'da'), 'januar 2026');
    assert.equal(monthLabel('2026-01', 'en'), 'January 2026');
    assert.equal(monthLabel('2025-12', 'da'), 'december 2025');
  });

  it('writes a period in words', () => {
    assert.equal(
      periodText({ from: '2025-12-01', to: '2026-11-25' }, 'da'),
      '1. december 2025 – 25. november 2026',
    );
    assert.equal(
      periodText({ from: '2025-12-01', to: '2026-11-25' }, 'en'),
      '1 December 2025 – 25 November 2026',
    );
  });

  it('states changes for counts, durations and shares', () => {
    assert.equal(formatCountChange(16, 12, 'da'), '+4 (+33,3 %)');
    assert.equal(formatCountChange(9, 12, 'en'), '−3 (−25.0%)');
    assert.equal(formatCountChange(5, 0, 'da'), '+5');
    assert.equal(formatCountChange(5, 5, 'da'), '0');
    assert.equal(formatCountChange(5, null, 'da'), '–');
    assert.equal(formatDurationChange(4 * HOUR, 5.5 * HOUR, 'da'), '−1,5 timer');
    assert.equal(formatDurationChange(3 * DAY, DAY, 'en'), '+2.0 days');
    assert.equal(formatDurationChange(null, DAY, 'en'), '–');
    assert.equal(formatShareChange(0.5, 0.45, 'da'), '+5,0 procentpoint');
    assert.equal(formatShareChange(0.4, 0.5, 'en'), '−10.0 percentage points');
  });
});

describe('stats presenter: bar chart geometry', () => {
  const items = [
    { label: 'Indbrud', value: 10 },
    { label: 'Fart', value: 5 },
    { label: 'Andet', value: 0 },
  ];

  it('scales the longest bar to the width less room for its value, the others in proportion', () => {
    const chart = barChart('chart-x', items, { title: 'Pr. kategori', locale: 'da' });
    assert.ok(chart);
    const [a, b, c] = chart.rows;
    assert.ok(a && b && c);
    assert.equal(chart.width, CHART_WIDTH);
    assert.ok(a.width > CHART_WIDTH * 0.75 && a.width < CHART_WIDTH);
    assert.ok(Math.abs(b.width - a.width / 2) < 0.2, `${b.width} is half of ${a.width}`);
    assert.equal(c.width, 0);
    // The value is printed beside its bar, inside the drawing.
    assert.ok(a.textX > a.width && a.textX < CHART_WIDTH);
    assert.equal(a.valueText, '10');
  });

  it('puts each label above its bar and rows below each other, within the drawing', () => {
    const chart = barChart('chart-x', items, { title: 'T', locale: 'da' });
    assert.ok(chart);
    for (const row of chart.rows) {
      assert.ok(row.labelY < row.y, 'label above bar');
      assert.ok(row.y + row.height <= chart.height);
    }
    const ys = chart.rows.map((r) => r.y);
    assert.deepEqual(
      ys,
      [...ys].sort((x, y) => x - y),
    );
  });

  it('is the same for any scale of numbers: 1000 against 500 looks like 10 against 5', () => {
    const small = barChart('a', items, { title: 'T', locale: 'da' });
    const big = barChart(
      'b',
      items.map((i) => ({ ...i, value: i.value * 100 })),
      { title: 'T', locale: 'da' },
    );
    assert.deepEqual(
      small?.rows.map((r) => r.width),
      big?.rows.map((r) => r.width),
    );
    assert.equal(big?.rows[0]?.valueText, '1.000');
  });

  it('draws nothing for no items or only zeros, so the page says so in words', () => {
    assert.equal(barChart('x', [], { title: 'T', locale: 'da' }), null);
    assert.equal(barChart('x', [{ label: 'A', value: 0 }], { title: 'T', locale: 'da' }), null);
  });

  it('shows a small value as at least a sliver next to a large one', () => {
    const chart = barChart(
      'x',
      [
        { label: 'A', value: 10_000 },
        { label: 'B', value: 1 },
      ],
      { title: 'T', locale: 'en' },
    );
    assert.ok((chart?.rows[1]?.width ?? 0) >= 2);
    assert.equal(chart?.rows[0]?.valueText, '10,000');
  });

  it('carries a text alternative naming every value', () => {
    const chart = barChart('x', items, { title: 'Pr. kategori', locale: 'da' });
    assert.equal(chart?.title, 'Pr. kategori');
    assert.equal(chart?.description, 'Indbrud: 10. Fart: 5. Andet: 0.');
  });
});

describe('stats presenter: the page model', () => {
  const key = (over: Partial<KeyFigures> = {}): KeyFigures => ({
    councils: 3,
    concerns: 12,
    concernsPerCouncil: 4,
    firstResponseMedianMs: 5.5 * HOUR,
    firstResponseP90Ms: 3.2 * DAY,
    closingMedianMs: 2 * DAY,
    closingP90Ms: 10 * DAY,
    referredShare: 0.25,
    feedbackShare: 0.5,
    meetingsHeld: 2,
    attendees: 30,
    newslettersSent: 1,
    recipientsReached: 40,
    activeMembers: 7,
    ...over,
  });
  const p = period('2025-12-01', '2026-01-31');
  const council = (id: number, name: string, pilot: 0 | 1) => ({
    id,
    name,
    municipality: 'Næstved',
    is_pilot: pilot,
    active: 1 as const,
  });
  const report = (over: Partial<StatsReport> = {}): StatsReport => ({
    period: p,
    previous: previousPeriod(p),
    available: [council(1, 'Glumsø Lokalråd', 1)],
    selected: [council(1, 'Glumsø Lokalråd', 1)],
    allSelected: true,
    concerns: {
      total: 3,
      byMonth: [
        { month: '2025-12', count: 1 },
        { month: '2026-01', count: 2 },
      ],
      byCategory: [{ id: 1, slug: 'indbrud', label_da: 'Indbrud', label_en: 'Burglary', count: 3 }],
      byCouncil: [{ ...council(1, 'Glumsø Lokalråd', 1), count: 3 }],
      byStatus: { new: 1, in_progress: 0, awaiting_department: 0, closed: 2 },
      byResolution: { resolved: 2, referred_closed: 0, not_police: 0, duplicate: 0 },
      firstResponse: { n: 2, medianMs: 5.5 * HOUR, p90Ms: 6 * HOUR },
      closing: { n: 2, medianMs: 3.2 * DAY, p90Ms: 4 * DAY },
      referred: 1,
      referredShare: 1 / 3,
      departments: [
        {
          id: 1,
          name: 'Færdsel',
          referrals: 1,
          concerns: 1,
          share: 1 / 3,
          acknowledge: { n: 1, medianMs: 2 * HOUR, p90Ms: 2 * HOUR },
          answer: { n: 0, medianMs: null, p90Ms: null },
        },
      ],
      closed: 2,
      closedWithFeedback: 1,
      feedbackShare: 0.5,
      overdueNow: 0,
    },
    meetings: {
      held: 1,
      byKind: { borgermoede: 1, netvaerksmoede: 0, faellesmoede: 0 },
      attendees: 12,
      withAttendance: 1,
      answers: { yes: 3, no: 1, maybe: 0 },
    },
    newsletters: { sent: 2, reached: 10, failed: 1, pending: 0 },
    people: {
      members: 5,
      active: 3,
      perCouncil: [{ id: 1, name: 'Glumsø Lokalråd', members: 5, active: 3 }],
    },
    comparison: {
      current: key(),
      previous: key({ concerns: 9, activeMembers: null }),
      pilot: null,
      others: null,
    },
    surveys: [],
    canExportConcerns: false,
    generatedAt: '2026-02-01T10:00:00.000Z',
    ...over,
  });

  it('labels months, formats key figures and keeps the departments’ times readable', () => {
    const view = presentStats(report(), tDa, 'da');
    assert.equal(view.periodText, '1. december 2025 – 31. januar 2026');
    assert.deepEqual(
      view.byMonth.rows.map((r) => [r.label, r.value, r.share]),
      [
        ['december 2025', '1', '33,3 %'],
        ['januar 2026', '2', '66,7 %'],
      ],
    );
    assert.equal(view.byMonth.total, '3');
    assert.ok(view.byMonth.chart);
    assert.equal(
      view.tiles.find((x) => x.label === tDa('stats.key.first_response_median'))?.value,
      '5,5 timer',
    );
    assert.equal(view.tiles.find((x) => x.label === tDa('stats.key.closing_median'))?.value, '3,2 døgn');
    assert.equal(view.tiles.find((x) => x.label === tDa('stats.key.referred_share'))?.value, '33,3 %');
    assert.deepEqual(view.departments[0], {
      name: 'Færdsel',
      referrals: '1',
      concerns: '1',
      share: '33,3 %',
      acknowledge: '2,0 timer',
      answer: '–',
    });
  });

  it('compares the period with the previous one, and pilot with others only when both exist', () => {
    const view = presentStats(report(), tEn, 'en');
    const concerns = view.periodComparison.find((r) => r.label === tEn('stats.key.concerns'));
    assert.deepEqual(concerns, { label: 'Concerns', a: '12', b: '9', change: '+3 (+33.3%)' });
    const active = view.periodComparison.find((r) => r.label === tEn('stats.key.active_members'));
    assert.equal(active?.b, '–');
    assert.equal(view.groupComparison, null);
    const both = presentStats(
      report({ comparison: { current: key(), previous: key(), pilot: key(), others: key({ concerns: 4 }) } }),
      tEn,
      'en',
    );
    assert.equal(both.groupComparison?.find((r) => r.label === 'Concerns')?.b, '4');
    assert.equal(both.groupComparison?.[0]?.change, undefined);
  });

  it('leaves charts out when there is nothing to draw', () => {
    const empty = report();
    empty.concerns = {
      ...empty.concerns,
      total: 0,
      byMonth: empty.concerns.byMonth.map((m) => ({ ...m, count: 0 })),
      byResolution: { resolved: 0, referred_closed: 0, not_police: 0, duplicate: 0 },
    };
    const view = presentStats(empty, tDa, 'da');
    assert.equal(view.byMonth.chart, null);
    assert.equal(view.byResolution.chart, null);
  });

  it('presents survey ratings as a chart with the mean, and comments only when given', () => {
    const survey = {
      id: 7,
      title: 'Tilfredshed 2026',
      opensOn: '2026-01-05',
      closesOn: '2026-01-20',
      councils: 1,
      councilsShown: 1,
      invited: 8,
      answered: 4,
      ratings: [0, 1, 1, 2] as [number, number, number, number],
      mean: 3.25,
      notes: [],
    };
    const staff = presentStats(report({ surveys: [{ ...survey, comments: ['Godt'] }] }), tDa, 'da');
    const s = staff.surveys[0];
    assert.ok(s);
    assert.equal(s.mean, '3,25');
    assert.equal(s.responseRate, '50,0 %');
    assert.equal(s.period, '5. januar 2026 – 20. januar 2026');
    assert.deepEqual(
      s.ratings?.rows.map((r) => r.value),
      ['0', '1', '1', '2'],
    );
    assert.equal(s.ratings?.chart?.rows.length, 4);
    assert.deepEqual(s.comments, ['Godt']);
    const admin = presentStats(report({ surveys: [survey] }), tDa, 'da');
    assert.equal(admin.surveys[0]?.comments, undefined);
  });

  it('shows no ratings chart when the survey feature withholds the ratings (still open), with its reason', () => {
    const withheld = {
      id: 8,
      title: 'Lille lokalråd',
      opensOn: '2026-01-05',
      closesOn: '2026-01-20',
      councils: 1,
      councilsShown: 1,
      invited: 6,
      answered: 3,
      ratings: null,
      mean: null,
      notes: [{ key: 'surveys.results.ratings_after_close' }],
    };
    const s = presentStats(report({ surveys: [withheld] }), tDa, 'da').surveys[0];
    assert.ok(s);
    assert.equal(s.ratings, null);
    assert.equal(s.answered, '3');
    assert.equal(s.responseRate, '50,0 %');
    assert.deepEqual(s.notes, ['Fordelingen og gennemsnittet vises, når undersøgelsen er slut.']);
  });

  it('shows no count at all when the survey feature counts no council (fewer than 5 answers in each)', () => {
    const hidden = {
      id: 9,
      title: 'Ét svar',
      opensOn: '2026-01-05',
      closesOn: '2026-01-20',
      councils: 2,
      councilsShown: 0,
      invited: null,
      answered: null,
      ratings: null,
      mean: null,
      notes: [{ key: 'surveys.results.none_shown' }],
    };
    const s = presentStats(report({ surveys: [hidden] }), tDa, 'da').surveys[0];
    assert.ok(s);
    assert.deepEqual([s.answered, s.invited, s.responseRate, s.ratings], [null, null, '–', null]);
    assert.deepEqual(s.notes, ['Færre end 5 svar i hvert lokalråd – vises ikke']);
  });
});
