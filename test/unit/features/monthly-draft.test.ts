import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildMonthlyDraft,
  copenhagenMonth,
  escapeMarkdownInline,
  monthName,
  previousCopenhagenMonth,
} from '../../../src/features/newsletters/monthly-draft.js';
import { loadMessages, translator } from '../../../src/web/i18n.js';
import { markdownToText, renderMarkdown } from '../../../src/web/markdown.js';

const t = translator(loadMessages(), 'da');

describe('monthly draft: the previous Copenhagen month', () => {
  it('on 1 December 00:05 Copenhagen time (23:05Z on 30 November) it is November', () => {
    const m = previousCopenhagenMonth(new Date('2026-11-30T23:05:00Z'));
    assert.equal(m.key, '2026-11');
    // November starts and ends in winter time (UTC+1).
    assert.equal(m.start, '2026-10-31T23:00:00.000Z');
    assert.equal(m.end, '2026-11-30T23:00:00.000Z');
  });

  it('at 23:55 on 30 November Copenhagen time it is still October', () => {
    assert.equal(previousCopenhagenMonth(new Date('2026-11-30T22:55:00Z')).key, '2026-10');
  });

  it('in January it is December of the year before', () => {
    const m = previousCopenhagenMonth(new Date('2027-01-01T00:00:00Z'));
    assert.equal(m.key, '2026-12');
    assert.equal(m.end, '2026-12-31T23:00:00.000Z');
  });

  it('a month across the October clock change starts in summer time and ends in winter time', () => {
    const m = copenhagenMonth('2026-10');
    assert.equal(m.start, '2026-09-30T22:00:00.000Z');
    assert.equal(m.end, '2026-10-31T23:00:00.000Z');
  });
});

describe('monthly draft: title and body', () => {
  it('names the month in Danish', () => {
    assert.equal(monthName('2026-11'), 'november 2026');
    assert.equal(monthName('2027-02'), 'februar 2027');
    assert.equal(monthName('2026-11', 'en'), 'November 2026');
  });

  it('has the Danish title, an intro, one bullet per concern with its category, and a closing line', () => {
    const draft = buildMonthlyDraft({
      t,
      month: '2026-11',
      councilName: 'Glumsø Lokalråd',
      items: [
        { category: 'Indbrud og tyveri', summary: 'Vi har talt med beboerne om lås og lys.' },
        { category: 'Trafik og fart', summary: 'Fartmåling ved skolen.' },
      ],
    });
    assert.equal(draft.title, 'Det har vi arbejdet med – november 2026');
    const html = renderMarkdown(draft.markdown);
    assert.match(html, /<p>Her er et kort overblik[^<]*Glumsø Lokalråd[^<]*november 2026/);
    assert.equal((html.match(/<li>/g) ?? []).length, 2);
    assert.match(
      html,
      /<li><strong>Indbrud og tyveri:<\/strong> Vi har talt med beboerne om lås og lys\.<\/li>/,
    );
    assert.match(html, /<li><strong>Trafik og fart:<\/strong> Fartmåling ved skolen\.<\/li>/);
    assert.match(html, /<p>Tak, fordi I holder øje/);
  });

  it('keeps Markdown and HTML in a summary as text: no emphasis, links, headings, code or tags', () => {
    const summary = [
      '# Ikke en overskrift',
      '*ikke kursiv* og __ikke fed__, `ikke kode`, [ikke et link](javascript:alert(1)) <b>ikke fed</b>',
      '- ikke en ny punkt',
      '> ikke et citat',
      '1. ikke en nummereret liste',
      '    ikke kode heller',
      '&amp; R&D',
    ].join('\n');
    const draft = buildMonthlyDraft({
      t,
      month: '2026-11',
      councilName: 'Rådet *med* stjerner',
      items: [{ category: 'Hærværk og graffiti', summary }],
    });
    const html = renderMarkdown(draft.markdown);
    // One list item holding every line (joined by line breaks), nothing else made of it.
    assert.equal((html.match(/<li>/g) ?? []).length, 1);
    assert.doesNotMatch(html, /<(h\d|em|code|pre|a|blockquote|ol|b)\b/);
    assert.equal((html.match(/<strong>/g) ?? []).length, 1, 'only the category is bold');
    assert.match(html, /# Ikke en overskrift<br \/>/);
    assert.match(
      html,
      /\*ikke kursiv\* og __ikke fed__, `ikke kode`, \[ikke et link\]\(javascript:alert\(1\)\) &lt;b&gt;ikke fed&lt;\/b&gt;/,
    );
    assert.match(
      html,
      /<br \/>- ikke en ny punkt<br \/>&gt; ikke et citat<br \/>1\. ikke en nummereret liste<br \/>ikke kode heller<br \/>&amp;amp; R&amp;D<\/li>/,
    );
    assert.match(html, /Rådet \*med\* stjerner/);
    // The plain-text part carries the words as written, without the escaping backslashes.
    const text = markdownToText(draft.markdown);
    assert.match(text, /Ikke en overskrift/);
    assert.match(text, /\*ikke kursiv\* og __ikke fed__/);
    assert.match(text, /<b>ikke fed<\/b>/);
    assert.doesNotMatch(text, /\\[*_<]/);
  });

  it('keeps the paragraphs of a summary inside its bullet', () => {
    const draft = buildMonthlyDraft({
      t,
      month: '2026-11',
      councilName: 'X',
      items: [
        { category: 'Andet', summary: 'Første afsnit.\r\n\r\nAndet afsnit.' },
        { category: 'Svindel', summary: 'Næste.' },
      ],
    });
    const html = renderMarkdown(draft.markdown);
    assert.equal((html.match(/<li>/g) ?? []).length, 2);
    assert.match(html, /Første afsnit\.<\/p>\s*<p>Andet afsnit\.<\/p>\s*<\/li>/);
  });

  it('escapes only what Markdown would act on, so ordinary text is unchanged', () => {
    assert.equal(
      escapeMarkdownInline('Kl. 22.30 - to biler (ca. 50 km/t) & cykler!'),
      'Kl. 22.30 - to biler (ca. 50 km/t) & cykler!',
    );
    assert.equal(escapeMarkdownInline('- punkt'), '\\- punkt');
    assert.equal(escapeMarkdownInline('2. gang'), '2\\. gang');
  });

  it('leaves out bullets past the edit form’s length limit and says how many', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({
      category: 'Andet',
      summary: `Sag ${i} ${'x'.repeat(80)}`,
    }));
    const draft = buildMonthlyDraft({ t, month: '2026-11', councilName: 'X', items, maxLength: 1_000 });
    assert.ok(draft.markdown.length <= 1_000, `${draft.markdown.length} characters`);
    assert.ok(draft.included > 0 && draft.included < 10);
    assert.match(draft.markdown, new RegExp(`Henvendelser, der ikke er med: ${10 - draft.included}\\.`));
    assert.match(draft.markdown, /Tak, fordi I holder øje/);
  });
});
