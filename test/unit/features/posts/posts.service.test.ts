import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Composition } from '../../../../src/composition.js';
import { NotFoundError } from '../../../../src/errors.js';
import { PostsRepository } from '../../../../src/features/posts/posts.repository.js';
import { PostsService } from '../../../../src/features/posts/posts.service.js';
import { composeTestDeps } from '../../../helpers/app.js';
import { actorOf, councilId as councilIdOf } from '../../../helpers/world.js';

describe('PostsService on a real SQLite file', () => {
  let deps: Composition;
  let close: () => void;
  const actor = (email: string) => actorOf(deps, email);
  const councilId = (slug: string) => councilIdOf(deps, slug);
  const count = (table: string) => deps.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const input = (council: number | null) => ({
    council_id: council,
    title: 'November',
    period: 'November 2026',
    body: 'Roligt.',
  });

  before(async () => {
    ({ deps, close } = await composeTestDeps());
  });
  after(() => close());

  it('stores the post, its figures and one announcement per member of the council in one go', () => {
    const posts = count('posts');
    const mails = count('outbox');
    const categoryId = deps.db
      .prepare("SELECT id FROM categories WHERE slug = 'indbrud'")
      .pluck()
      .get() as number;
    const id = deps.services.posts.create(actor('betjent@politi.example'), input(councilId('glumsoe')), [
      { categoryId, current: 2, previous: null },
    ]);
    assert.equal(count('posts'), posts + 1);
    assert.deepEqual(
      deps.db.prepare('SELECT current_count, previous_count FROM post_figures WHERE post_id = ?').all(id),
      [{ current_count: 2, previous_count: null }],
    );
    const glumsoeMembers = deps.db
      .prepare(
        `SELECT count(DISTINCT u.id) FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.council_id = ? AND m.active = 1 AND u.status = 'active' AND u.notify_posts = 1`,
      )
      .pluck()
      .get(councilId('glumsoe')) as number;
    assert.ok(glumsoeMembers > 0);
    assert.equal(count('outbox'), mails + glumsoeMembers);
  });

  it('stores nothing when the announcement cannot be queued (the mail is part of the transaction)', () => {
    const posts = count('posts');
    const failingMailer = Object.assign(Object.create(deps.mailer), {
      queue: () => {
        throw new Error('outbox down');
      },
    }) as Composition['mailer'];
    const service = new PostsService({
      ...deps,
      mailer: failingMailer,
      posts: new PostsRepository(deps.db),
    });
    assert.throws(() => service.create(actor('betjent@politi.example'), input(null), []), /outbox down/);
    assert.equal(count('posts'), posts);
  });

  it('refuses members and councils the officer may not publish for with a 404', () => {
    assert.throws(
      () => deps.services.posts.create(actor('hal@glumsoe.example'), input(null), []),
      NotFoundError,
    );
    assert.throws(
      () => deps.services.posts.create(actor('betjent@politi.example'), input(999_999), []),
      NotFoundError,
    );
  });
});
