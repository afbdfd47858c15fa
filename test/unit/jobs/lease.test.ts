import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';
import { JobLeases } from '../../../src/jobs/lease.js';

const TTL = 60_000;
const root = mkdtempSync(path.join(tmpdir(), 'naernet-lease-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('JobLeases', () => {
  let n = 0;
  let first: Db;
  let second: Db;
  let a: JobLeases;
  let b: JobLeases;
  const clock = { now: 1_700_000_000_000 };

  // Two connections to one file stand for two server processes.
  beforeEach(() => {
    first?.close();
    second?.close();
    const file = path.join(root, `lease-${++n}.db`);
    first = openDatabase(file);
    migrate(first);
    second = openDatabase(file);
    a = new JobLeases(first, () => clock.now);
    b = new JobLeases(second, () => clock.now);
  });
  after(() => {
    first?.close();
    second?.close();
  });

  it('gives a free lease to the first holder as "acquired"', () => {
    assert.equal(a.tryAcquire('outbox', 'process-a', TTL), 'acquired');
  });

  it('answers "renewed" when the holder asks again before it expires', () => {
    a.tryAcquire('outbox', 'process-a', TTL);
    clock.now += TTL - 1;
    assert.equal(a.tryAcquire('outbox', 'process-a', TTL), 'renewed');
  });

  it('refuses a second holder while the lease is unexpired', () => {
    assert.equal(a.tryAcquire('outbox', 'process-a', TTL), 'acquired');
    assert.equal(b.tryAcquire('outbox', 'process-b', TTL), false);
    clock.now += TTL - 1;
    assert.equal(b.tryAcquire('outbox', 'process-b', TTL), false);
  });

  it('a renewal keeps the lease from expiring', () => {
    a.tryAcquire('outbox', 'process-a', TTL);
    clock.now += TTL / 2;
    a.tryAcquire('outbox', 'process-a', TTL);
    clock.now += TTL / 2 + 1; // past the first expiry, not the renewed one
    assert.equal(b.tryAcquire('outbox', 'process-b', TTL), false);
  });

  it('lets a second holder take an expired lease, and the first then loses it', () => {
    a.tryAcquire('outbox', 'process-a', TTL);
    clock.now += TTL;
    assert.equal(b.tryAcquire('outbox', 'process-b', TTL), 'acquired');
    assert.equal(a.tryAcquire('outbox', 'process-a', TTL), false);
  });

  it('answers "acquired" (not "renewed") when a holder comes back after its own lease expired', () => {
    a.tryAcquire('outbox', 'process-a', TTL);
    clock.now += TTL;
    assert.equal(a.tryAcquire('outbox', 'process-a', TTL), 'acquired');
  });

  it('release frees the lease for another holder at once; a non-holder cannot release it', () => {
    a.tryAcquire('outbox', 'process-a', TTL);
    b.release('outbox', 'process-b');
    assert.equal(b.tryAcquire('outbox', 'process-b', TTL), false);
    a.release('outbox', 'process-a');
    assert.equal(b.tryAcquire('outbox', 'process-b', TTL), 'acquired');
  });

  it('keeps leases of different jobs apart', () => {
    assert.equal(a.tryAcquire('outbox', 'process-a', TTL), 'acquired');
    assert.equal(b.tryAcquire('newsletters', 'process-b', TTL), 'acquired');
  });
});
