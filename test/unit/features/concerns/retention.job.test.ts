import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Composition } from '../../../../src/composition.js';
import { retentionCutoff } from '../../../../src/features/concerns/retention.job.js';
import { composeTestDeps } from '../../../helpers/app.js';
import { seededPhoto } from '../../../helpers/png.js';
import { actorOf } from '../../../helpers/world.js';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

describe('retention: closed concerns are anonymised after the retention period', () => {
  let deps: Composition;
  let dir: string;
  let close: () => void;
  let clock = new Date('2024-01-10T10:00:00Z');
  const actor = (email: string) => actorOf(deps, email);

  before(async () => {
    ({ deps, dataDir: dir, close } = await composeTestDeps({ now: () => clock }));
  });
  after(() => close());

  it('counts 24 calendar months back', () => {
    assert.equal(retentionCutoff(new Date('2026-11-24T10:00:00Z'), 24), '2024-11-24T10:00:00.000Z');
  });

  it('removes texts, place, photos and the reporter of an old closed concern, and keeps the figures', async () => {
    const hal = actor('hal@glumsoe.example');
    const officer = actor('betjent@politi.example');
    const glumsoe = hal.memberships[0]?.councilId as number;
    const input = {
      councilId: glumsoe,
      category: 'trafik',
      title: 'Jens Hansen kører for stærkt',
      description: 'Rød bil, Hovedgaden 3',
      location: 'Hovedgaden 3',
      occurredAt: null,
    };
    const old = deps.services.concerns.create(hal, input, [seededPhoto(PNG)]);
    deps.services.concerns.addReporterInfo(hal, old, { body: 'Han hedder Jens Hansen', photos: [] });
    deps.services.concerns.close(officer, old, {
      resolution: 'resolved',
      feedback: 'Vi har talt med føreren',
    });
    const open = deps.services.concerns.create(hal, { ...input, title: 'Stadig åben' }, []);
    const uploads = path.join(dir, 'uploads');
    assert.equal(readdirSync(uploads).length, 1);

    clock = new Date('2026-01-11T10:00:00Z'); // 24 months and a day after closing
    const job = deps.scheduler;
    await job.tick();

    const row = deps.db.prepare('SELECT * FROM concerns WHERE id = ?').get(old) as Record<string, unknown>;
    assert.equal(row.reporter_id, null);
    assert.equal(row.title, '');
    assert.equal(row.description, '');
    assert.equal(row.location, '');
    assert.equal(row.feedback, null);
    assert.ok(row.anonymised_at);
    assert.equal(row.category_id !== null && row.status === 'closed' && row.resolution === 'resolved', true);
    const bodies = deps.db.prepare('SELECT body FROM concern_events WHERE concern_id = ?').pluck().all(old);
    assert.ok(bodies.every((b) => b === ''));
    const authors = deps.db
      .prepare('SELECT type, actor_user_id FROM concern_events WHERE concern_id = ? ORDER BY id')
      .all(old) as { type: string; actor_user_id: number | null }[];
    assert.ok(!authors.some((e) => e.actor_user_id === hal.id), 'the reporter is no author on the timeline');
    assert.ok(
      authors.some((e) => e.type === 'closed' && e.actor_user_id === officer.id),
      'staff authors stay',
    );
    assert.equal(readdirSync(uploads).length, 0, 'the photo file is gone');
    assert.equal(deps.db.prepare('SELECT count(*) FROM concern_photos').pluck().get(), 0);
    const found = deps.db
      .prepare('SELECT rowid FROM concerns_fts WHERE concerns_fts MATCH \'"Hansen"\'')
      .pluck()
      .all();
    assert.deepEqual(found, [], 'the search index forgot the texts');
    assert.equal(
      (deps.db.prepare('SELECT title FROM concerns WHERE id = ?').get(open) as { title: string }).title,
      'Stadig åben',
    );
    assert.ok(existsSync(uploads));
  });
});
