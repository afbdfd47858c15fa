import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChart, figureTable, formatChange } from '../../../../src/features/posts/posts.presenter.js';
import type { FigureRow } from '../../../../src/features/posts/posts.repository.js';
import { loadMessages, translator } from '../../../../src/web/i18n.js';

const messages = loadMessages();
const t = translator(messages, 'da');

const figure = (slug: string, label: string, current: number | null, previous: number | null): FigureRow => ({
  category_id: slug.length,
  slug,
  label_da: label,
  label_en: `${label} (en)`,
  current_count: current,
  previous_count: previous,
});

describe('formatChange', () => {
  it('gives the difference with its sign and the percentage with a decimal comma', () => {
    assert.equal(formatChange(4, 3, 'da'), '+1 (+33,3 %)');
    assert.equal(formatChange(3, 6, 'da'), '\u22123 (\u221250 %)');
    assert.equal(formatChange(5, 5, 'da'), '0 (0 %)');
    assert.equal(formatChange(4, 3, 'en'), '+1 (+33.3%)');
  });

  it('gives no percentage from a previous 0, and a dash when a period is unknown', () => {
    assert.equal(formatChange(7, 0, 'da'), '+7');
    assert.equal(formatChange(null, 3, 'da'), '–');
    assert.equal(formatChange(3, null, 'da'), '–');
  });

  it('groups thousands the Danish way', () => {
    assert.equal(formatChange(2500, 1000, 'da'), '+1.500 (+150 %)');
  });
});

describe('figureTable', () => {
  it('shows each category in the reader’s language with a dash for unknown figures', () => {
    const rows = figureTable([figure('indbrud', 'Indbrud', 1234, null)], 'da');
    assert.deepEqual(rows, [{ label: 'Indbrud', current: '1.234', previous: '–', change: '–' }]);
    assert.equal(figureTable([figure('indbrud', 'Indbrud', 1, 2)], 'en')[0]?.label, 'Indbrud (en)');
  });
});

describe('barChart', () => {
  it('is null without figures', () => {
    assert.equal(barChart([], t, 'da', 'Oktober 2026'), null);
  });

  it('draws a pair of bars per category scaled to the largest value, inside the viewBox', () => {
    const chart = barChart(
      [figure('indbrud', 'Indbrud', 10, 5), figure('trafik', 'Trafik', 0, null)],
      t,
      'da',
      'Oktober 2026',
    );
    assert.ok(chart);
    assert.equal(chart.width, 400);
    assert.equal(chart.rows.length, 2);
    const [indbrud, trafik] = chart.rows;
    assert.equal(indbrud?.bars[0]?.width, 336); // the largest value fills the width minus room for its label
    assert.equal(indbrud?.bars[1]?.width, 168);
    assert.equal(trafik?.bars[0]?.width, 0);
    assert.equal(trafik?.bars[1]?.valueText, 'ikke oplyst');
    for (const row of chart.rows) {
      for (const bar of row.bars) {
        assert.ok(bar.y + bar.height <= chart.height, 'bar inside the viewBox');
        assert.ok(bar.textX < chart.width, 'value label inside the viewBox');
      }
    }
  });

  it('states every figure in its text alternative', () => {
    const chart = barChart([figure('indbrud', 'Indbrud', 3, 6)], t, 'da', 'Oktober 2026');
    assert.equal(chart?.title, 'Søjlediagram: antal hændelser pr. kategori, Oktober 2026 og forrige periode');
    assert.equal(chart?.description, 'Indbrud: 3 i denne periode, 6 i forrige periode.');
  });
});
