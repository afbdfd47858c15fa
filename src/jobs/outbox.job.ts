import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OutboxRepository } from '../mail/outbox.repository.js';
import { DeliveryError, type MailTransport, sendableFromOutbox } from '../mail/transport.js';
import type { JobLeases } from './lease.js';
import type { Job } from './scheduler.js';

/** Minutes to wait before retry n (1-based) of a temporary failure; after the last one it fails. */
export const RETRY_DELAYS_MINUTES = [1, 5, 15, 60];

/**
 * After attempt `attempts` (1-based) failed with `err`: when to try again, or null when it has failed
 * for good (a permanent 5xx answer, or no retries left). Shared by the outbox and newsletter delivery.
 */
export function retryAfterFailure(
  err: unknown,
  attempts: number,
  now: Date,
): { message: string; retryAt: string | null } {
  const error = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
  const delay = RETRY_DELAYS_MINUTES[attempts - 1];
  const retryAt =
    error.permanent || delay === undefined ? null : new Date(now.getTime() + delay * 60_000).toISOString();
  return { message: error.message, retryAt };
}

const LEASE_NAME = 'outbox';
const LEASE_TTL_MS = 60_000;

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
  return {
    name: 'outbox',
    stop() {
      deps.leases.release(LEASE_NAME, holder);
    },
    async run() {
      const lease = deps.leases.tryAcquire(LEASE_NAME, holder, LEASE_TTL_MS);
      if (!lease) return;
      if (lease === 'acquired') {
        const requeued = deps.outbox.requeueInterrupted();
        if (requeued > 0) deps.logger.warn({ requeued }, 'outbox: resending messages interrupted by a stop');
      }
      const batch = deps.outbox.claimDue(deps.now().toISOString(), deps.batchSize ?? 20);
      for (const row of batch) {
        try {
          await deps.transport.send(sendableFromOutbox(row, deps.from));
          deps.outbox.markSent(row.id, deps.now().toISOString());
        } catch (err) {
          const { message, retryAt } = retryAfterFailure(err, row.attempts, deps.now());
          if (retryAt === null) {
            deps.outbox.markFailed(row.id, message);
            deps.logger.warn({ outboxId: row.id, error: message }, 'outbox: message failed');
          } else {
            deps.outbox.markRetry(row.id, retryAt, message);
          }
        }
      }
    },
  };
}
