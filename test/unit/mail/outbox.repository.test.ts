import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { type Db, inTransaction, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';
import { OutboxRepository, type OutgoingMail } from '../../../src/mail/outbox.repository.js';

const root = mkdtempSync(path.join(tmpdir(), 'naernet-outbox-repo-'));
after(() => rmSync(root, { recursive: true, force: true }));

const mail = (to: string): OutgoingMail => ({
  kind: 'test',
  to,
  subject: 'Emne',
  text: 'Tekst',
  html: '<p>Tekst</p>',
});
const T0 = '2015-02-24T16:30:00.000Z';
const T1 = '2015-02-24T16:31:00.000Z';

describe('OutboxRepository', () => {
  let n = 0;
  let db: Db;
  let outbox: OutboxRepository;
  const count = () => db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;

  beforeEach(() => {
    db?.close();
    db = openDatabase(path.join(root, `outbox-${++n}.db`));
    migrate(db);
    outbox = new OutboxRepository(db, 'naernet.test');
  });
  after(() => db?.close());

  it('queues a mail as pending, due at once, with no attempts', () => {
    const row = outbox.findById(outbox.enqueue(mail('a@example.dk'), T0));
    assert.equal(row?.status, 'pending');
    assert.equal(row?.attempts, 0);
    assert.equal(row?.next_attempt_at, T0);
    assert.equal(row?.headers, '{}');
  });

  it('a mail queued inside a transaction that rolls back is never in the outbox', () => {
    assert.throws(() =>
      inTransaction(db, () => {
        outbox.enqueue(mail('a@example.dk'), T0);
        throw new Error('the change failed');
      }),
    );
    assert.equal(count(), 0);
  });

  it('claimDue marks due rows sending, counts the attempt, and leaves future rows alone', () => {
    const due = outbox.enqueue(mail('a@example.dk'), T0);
    const later = outbox.enqueue(mail('b@example.dk'), T1);
    const claimed = outbox.claimDue(T0, 10);
    assert.deepEqual(
      claimed.map((r) => [r.id, r.status, r.attempts]),
      [[due, 'sending', 1]],
    );
    assert.equal(outbox.findById(due)?.status, 'sending');
    assert.equal(outbox.findById(later)?.status, 'pending');
    assert.deepEqual(outbox.claimDue(T0, 10), [], 'a claimed row is not claimed again');
  });

  it('requeueInterrupted puts sending rows back to pending and keeps sent and failed rows', () => {
    const a = outbox.enqueue(mail('a@example.dk'), T0);
    const b = outbox.enqueue(mail('b@example.dk'), T0);
    const c = outbox.enqueue(mail('c@example.dk'), T0);
    outbox.claimDue(T0, 10);
    outbox.markSent(b, T1);
    outbox.markFailed(c, '550 no', T1);
    assert.equal(outbox.requeueInterrupted(), 1);
    assert.deepEqual(
      [a, b, c].map((id) => outbox.findById(id)?.status),
      ['pending', 'sent', 'failed'],
    );
  });
});
