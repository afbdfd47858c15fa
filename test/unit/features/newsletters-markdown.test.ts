import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownToText, renderMarkdown } from '../../../src/web/markdown.js';

describe('newsletter Markdown', () => {
  it('renders headings, lists, links and bold, and drops scripts, images and unsafe links', () => {
    const html = renderMarkdown(
      '# Overskrift\n\n- **fed** punkt\n- [link](https://politi.dk)\n\n<script>alert(1)</script>\n![spor](https://tracker.example/p.gif)\n[x](javascript:alert(1))',
    );
    assert.match(html, /<h2>Overskrift<\/h2>/);
    assert.match(html, /<strong>fed<\/strong>/);
    assert.match(html, /<a href="https:\/\/politi.dk">link<\/a>/);
    assert.doesNotMatch(html, /<script|<img|javascript:/i);
  });

  it('writes a plain-text part without script contents or unsafe link targets', () => {
    const text = markdownToText(
      '# Hej\n<script>alert(2)</script>Tekst [klik](javascript:alert(1)) og [os](https://politi.dk)',
    );
    assert.equal(text, 'Hej\nTekst klik og os (https://politi.dk)');
  });
});
