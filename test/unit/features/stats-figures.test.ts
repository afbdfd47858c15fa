/** The statistics of the evaluation (src/features/stats/figures.ts): median and nearest-rank p90. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { share, summarise } from '../../../src/features/stats/figures.js';

describe('summarise', () => {
  it('has no median or percentile without values', () => {
    assert.deepEqual(summarise([]), { n: 0, medianMs: null, p90Ms: null });
  });

  it('one value is its own median and 90th percentile', () => {
    assert.deepEqual(summarise([7]), { n: 1, medianMs: 7, p90Ms: 7 });
  });

  it('two values: the mean of both as median, the larger as 90th percentile (rank ⌈1.8⌉ = 2)', () => {
    assert.deepEqual(summarise([30, 10]), { n: 2, medianMs: 20, p90Ms: 30 });
  });

  it('odd count: the middle value; sorts numerically, not as text', () => {
    assert.deepEqual(summarise([100, 9, 20, 3, 1000]), { n: 5, medianMs: 20, p90Ms: 1000 });
  });

  it('ten values: median of the 5th and 6th, 90th percentile the 9th smallest', () => {
    const values = [10, 3, 8, 1, 6, 9, 2, 7, 5, 4];
    assert.deepEqual(summarise(values), { n: 10, medianMs: 5.5, p90Ms: 9 });
    assert.deepEqual(values, [10, 3, 8, 1, 6, 9, 2, 7, 5, 4], 'the input is not reordered');
  });

  it('eleven values: the 6th as median, the 10th smallest as 90th percentile (rank ⌈9.9⌉)', () => {
    assert.deepEqual(summarise([11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6]), { n: 11, medianMs: 6, p90Ms: 10 });
  });

  it('nearest rank matches ⌈9n/10⌉ for every n up to 1,000 (no floating-point off-by-one)', () => {
    for (let n = 1; n <= 1000; n++) {
      const values = Array.from({ length: n }, (_, i) => n - i);
      assert.equal(summarise(values).p90Ms, Math.ceil((9 * n) / 10), `n = ${n}`);
    }
  });

  it('keeps ties and large millisecond values exact', () => {
    const day = 86_400_000;
    assert.deepEqual(summarise([day, day, 3 * day, 400 * day]), {
      n: 4,
      medianMs: 2 * day,
      p90Ms: 400 * day,
    });
  });
});

describe('share', () => {
  it('is a fraction, or null when there is nothing to divide by', () => {
    assert.equal(share(1, 4), 0.25);
    assert.equal(share(0, 4), 0);
    assert.equal(share(4, 4), 1);
    assert.equal(share(0, 0), null);
  });
});
