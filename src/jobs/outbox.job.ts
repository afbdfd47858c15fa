import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OutboxRepository } from '../mail/outbox.repository.js';
import { DeliveryError, type MailTransport, sendableFromOutbox } from '../mail/transport.js';
import type { JobLeases } from './lease.js';
import type { Job } from './scheduler.js';

/**
 * The retry schedule of a mail refused for now — a 4xx answer, a refused or dropped connection, a
 * timeout, a name that does not resolve (docs/domain.md#mail-delivery-and-retries). The waits after
 * the first five failed attempts, in minutes; every later one waits an hour. So the attempts fall
 * at 0, 1, 5, 15 and 30 minutes, 1 hour, then every hour.
 */
export const RETRY_DELAYS_MINUTES: readonly number[] = [1, 4, 10, 15, 30];
const LATER_DELAY_MINUTES = 60;

/**
 * Temporary failures are retried until the schedule's waits add up to this: the attempt 72 hours
 * after the first (the 77th) is the last. An SMTP relay down over a long weekend night, or a
 * recipient's server that greylists for hours, does not cost a referral or an invitation.
 */
export const RETRY_FOR_HOURS = 72;

/** Minutes to wait after failed attempt `attempt` (1-based). */
export function retryDelayMinutes(attempt: number): number {
  return RETRY_DELAYS_MINUTES[attempt - 1] ?? LATER_DELAY_MINUTES;
}

/**
 * The schedule's waits from the first attempt up to attempt `attempt`. Counted from the schedule,
 * not the clock: each wait is a minimum (the scheduler's tick, a slow server, a stopped process
 * add to it), so the mail is tried for at least RETRY_FOR_HOURS, never less.
 */
export function scheduledWaitMinutes(attempt: number): number {
  const early = RETRY_DELAYS_MINUTES.slice(0, Math.max(0, attempt - 1)).reduce((a, b) => a + b, 0);
  return early + Math.max(0, attempt - 1 - RETRY_DELAYS_MINUTES.length) * LATER_DELAY_MINUTES;
}

/**
 * After attempt `attempts` (1-based) failed with `err`: when to try again, or null when it has failed
 * for good — a permanent answer (5xx), or the temporary ones have gone on for RETRY_FOR_HOURS.
 * Shared by the outbox and newsletter delivery; both reset `attempts` when a person sends again.
 */
export function retryAfterFailure(
  err: unknown,
  attempts: number,
  now: Date,
): { message: string; retryAt: string | null } {
  const error = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
  const givenUp = error.permanent || scheduledWaitMinutes(attempts) >= RETRY_FOR_HOURS * 60;
  const retryAt = givenUp
    ? null
    : new Date(now.getTime() + retryDelayMinutes(attempts) * 60_000).toISOString();
  return { message: error.message, retryAt };
}

const LEASE_NAME = 'outbox';
/**
 * Longer than one message can take with the transport's timeouts (src/mail/transport.ts), and
 * renewed before each message: a live sender never loses its lease mid-batch, so a second process
 * never takes over and resends what is still in flight. A crashed sender's `sending` rows go back
 * to the queue once this has run out.
 */
export const OUTBOX_LEASE_TTL_MS = 5 * 60_000;

/** Sends due outbox rows, a batch per tick, under a lease so only one process sends. */
export function outboxJob(deps: {
  outbox: OutboxRepository;
  transport: MailTransport;
  leases: JobLeases;
  from: string;
  now: () => Date;
  logger: Logger;
  batchSize?: number;
}): Job {
  const holder = `outbox-${process.pid}-${randomUUID()}`;
  const batchSize = deps.batchSize ?? 20;
  return {
    name: 'outbox',
    stop() {
      deps.leases.release(LEASE_NAME, holder);
    },
    async run() {
      const lease = deps.leases.tryAcquire(LEASE_NAME, holder, OUTBOX_LEASE_TTL_MS);
      if (!lease) return false;
      if (lease === 'acquired') {
        // The lease was free or had run out: no live process is sending these any more.
        const requeued = deps.outbox.requeueInterrupted();
        if (requeued > 0) deps.logger.warn({ requeued }, 'outbox: resending messages interrupted by a stop');
      }
      const batch = deps.outbox.claimDue(deps.now().toISOString(), batchSize);
      for (const row of batch) {
        // Lost to another process (ours ran out): it requeues what this batch has left `sending`.
        if (!deps.leases.tryAcquire(LEASE_NAME, holder, OUTBOX_LEASE_TTL_MS)) return false;
        try {
          await deps.transport.send(sendableFromOutbox(row, deps.from));
          deps.outbox.markSent(row.id, deps.now().toISOString());
        } catch (err) {
          const at = deps.now();
          const { message, retryAt } = retryAfterFailure(err, row.attempts, at);
          if (retryAt === null) {
            deps.outbox.markFailed(row.id, message, at.toISOString());
            deps.logger.warn(
              { outboxId: row.id, kind: row.kind, attempts: row.attempts, error: message },
              'outbox: message failed',
            );
          } else {
            deps.outbox.markRetry(row.id, retryAt, message);
          }
        }
      }
      // A full batch after an outage: the scheduler comes straight back for the rest.
      return batch.length === batchSize;
    },
  };
}
