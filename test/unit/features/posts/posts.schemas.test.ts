import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commentSchema, parseFigures, postSchema } from '../../../../src/features/posts/posts.schemas.js';

const categories = [
  { id: 1, slug: 'indbrud' },
  { id: 2, slug: 'trafik' },
];

describe('parseFigures', () => {
  it('reads whole numbers from the flat current_<slug>/previous_<slug> fields; empty means not given', () => {
    const { figures, issues } = parseFigures(
      { current_indbrud: ' 3 ', previous_indbrud: '0', current_trafik: '', previous_trafik: '' },
      categories,
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(figures, [{ categoryId: 1, current: 3, previous: 0 }]);
  });

  it('keeps a category with only one period given', () => {
    const { figures } = parseFigures({ previous_trafik: '7' }, categories);
    assert.deepEqual(figures, [{ categoryId: 2, current: null, previous: 7 }]);
  });

  it('refuses negative, decimal, non-numeric, too large and repeated values, naming the field', () => {
    for (const bad of ['-1', '1,5', '1.5', 'tre', '10000000', '1e3']) {
      const { issues } = parseFigures({ current_indbrud: bad }, categories);
      assert.deepEqual(issues, [{ field: 'current_indbrud', categoryId: 1, which: 'current' }], bad);
    }
    const { issues } = parseFigures({ previous_trafik: ['1', '2'] }, categories);
    assert.deepEqual(issues, [{ field: 'previous_trafik', categoryId: 2, which: 'previous' }]);
  });

  it('ignores fields of unknown categories', () => {
    assert.deepEqual(parseFigures({ current_ukendt: '-5' }, categories), { figures: [], issues: [] });
  });
});

describe('postSchema', () => {
  it('reads an empty council as the whole district and a number as a council id', () => {
    const base = { title: 'T', period: 'Oktober 2026', body: 'B' };
    assert.equal(postSchema.parse({ ...base, council_id: '' }).council_id, null);
    assert.equal(postSchema.parse({ ...base }).council_id, null);
    assert.equal(postSchema.parse({ ...base, council_id: '12' }).council_id, 12);
    assert.equal(postSchema.safeParse({ ...base, council_id: 'x' }).success, false);
  });

  it('limits the title to 150 and the period to 60 characters', () => {
    const ok = { council_id: '', title: 't'.repeat(150), period: 'p'.repeat(60), body: 'B' };
    assert.equal(postSchema.safeParse(ok).success, true);
    assert.equal(postSchema.safeParse({ ...ok, title: 't'.repeat(151) }).success, false);
    assert.equal(postSchema.safeParse({ ...ok, period: 'p'.repeat(61) }).success, false);
  });
});

describe('commentSchema', () => {
  it('takes a body up to 2000 characters and an optional parent id', () => {
    assert.deepEqual(commentSchema.parse({ body: ' Hej ' }), { body: 'Hej', parent_id: null });
    assert.deepEqual(commentSchema.parse({ body: 'Hej', parent_id: '4' }), { body: 'Hej', parent_id: 4 });
    assert.equal(commentSchema.safeParse({ body: 'k'.repeat(2001) }).success, false);
    assert.equal(commentSchema.safeParse({ body: '' }).success, false);
  });
});
