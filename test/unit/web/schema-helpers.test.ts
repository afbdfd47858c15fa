import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanLine, optionalLine, requiredLine, requiredText } from '../../../src/web/schema-helpers.js';

describe('single-line fields', () => {
  it('fold line breaks, tabs and line separators into one space', () => {
    assert.equal(cleanLine('Glumsø\r\nLokalråd'), 'Glumsø Lokalråd');
    assert.equal(cleanLine('a \n\n b\tc\u2028d'), 'a b c d');
  });

  it('drop other control characters', () => {
    assert.equal(cleanLine('Jens\u0000 Hansen\u0007\u001b[31m\u0085'), 'Jens Hansen[31m');
  });

  it('a field of only line breaks counts as empty', () => {
    const schema = requiredLine('required', 10, 'too_long');
    const result = schema.safeParse('\r\n\t');
    assert.equal(result.success, false);
    assert.equal(result.error?.issues[0]?.message, 'required');
    assert.equal(optionalLine(10, 'too_long').parse(' x\ny '), 'x y');
  });

  it('multi-line text keeps its line breaks but loses other control characters', () => {
    assert.equal(requiredText('required', 100, 'too_long').parse('første\r\nanden\u0000'), 'første\r\nanden');
  });
});
