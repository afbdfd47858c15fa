import { randomUUID } from 'node:crypto';
import type { Core } from '../../core.js';
import { retryAfterFailure } from '../../jobs/outbox.job.js';
import type { Job } from '../../jobs/scheduler.js';
import type { MailTransport } from '../../mail/transport.js';
import type { NewsletterMailer } from './newsletter-mail.js';
import type { NewslettersRepository } from './newsletters.repository.js';

/** A scheduled time further in the past than this is not sent without the officer's confirmation. */
export const MISSED_SCHEDULE_MS = 60 * 60_000;

const LEASE = 'newsletters';
const LEASE_TTL_MS = 60_000;

export type DeliveryOptions = {
  /** Messages per second at most; 0 = as fast as the SMTP pool takes them. */
  ratePerSecond: number;
  /** Messages handed to the pool at once. */
  batchSize: number;
  /** How long one scheduler tick may keep sending before giving the other jobs a turn. */
  tickBudgetMs: number;
};

/**
 * The one newsletter sender (docs/architecture.md#newsletters), under a lease so a second process never sends the same
 * delivery. Each tick: start due newsletters (freezing their recipients in one transaction),
 * send due deliveries in batches through the pool at the configured rate, retry temporary failures
 * with backoff for 72 hours, fail 5xx answers at once, and mark newsletters sent when nothing is left.
 * After a crash the deliveries that were in flight are sent again with the same Message-ID;
 * nothing else repeats, because every other delivery's state was committed before or after.
 */
export function newsletterDeliveryJob(
  deps: Pick<Core, 'leases' | 'now' | 'logger'> & {
    repo: NewslettersRepository;
    mail: NewsletterMailer;
    transport: MailTransport;
    /** Read every tick, so an operator's change of rate applies without a restart. */
    options: () => DeliveryOptions;
  },
): Job & { startDue(): void } {
  const holder = `newsletters-${process.pid}-${randomUUID()}`;
  const { repo, logger } = deps;

  /** Starts the scheduled newsletters whose time has come; a long-missed one waits for confirmation. */
  function startDue(): void {
    const now = deps.now();
    for (const newsletter of repo.due(now.toISOString())) {
      const late = now.getTime() - new Date(newsletter.send_at ?? now.toISOString()).getTime();
      if (late > MISSED_SCHEDULE_MS) {
        repo.setSchedule(newsletter.id, newsletter.send_at, true, now.toISOString());
        logger.warn(
          { newsletterId: newsletter.id },
          'newsletter: scheduled time long past; waiting for confirmation',
        );
        continue;
      }
      repo.transaction(() => {
        const at = now.toISOString();
        repo.transition(newsletter.id, 'scheduled', 'sending', { started_at: at }, at);
        const recipients = repo.freezeRecipients(newsletter, at);
        logger.info({ newsletterId: newsletter.id, recipients }, 'newsletter: sending started');
      });
    }
  }

  async function sendOne(
    delivery: Awaited<ReturnType<NewslettersRepository['claimDue']>>[number],
  ): Promise<void> {
    let response: string;
    try {
      response = await deps.transport.send(deps.mail.messageFor(delivery));
    } catch (err) {
      // The outbox's rule (docs/domain.md#mail-delivery-and-retries): temporary failures — 4xx,
      // connection errors, timeouts — are retried for 72 hours, a 5xx fails at once.
      const { message, retryAt } = retryAfterFailure(err, delivery.attempts, deps.now());
      if (retryAt === null) repo.markFailed(delivery.id, message);
      else repo.markRetry(delivery.id, retryAt, message);
      return;
    }
    // The server has the mail. Should recording that fail (a full disk), it must not count as a
    // failed send and be retried: the row stays `sending` — no newsletter reports it sent — and
    // goes out again, with the same Message-ID, only after a restart (requeueInterrupted).
    try {
      repo.markSent(delivery.id, response, deps.now().toISOString());
    } catch (err) {
      logger.error({ err, deliveryId: delivery.id }, 'newsletter: delivered but not recorded');
    }
  }

  return {
    name: 'newsletters',
    startDue,
    async run() {
      const lease = deps.leases.tryAcquire(LEASE, holder, LEASE_TTL_MS);
      if (!lease) return;
      if (lease === 'acquired') {
        const requeued = repo.requeueInterrupted();
        if (requeued > 0) logger.warn({ requeued }, 'newsletter: resending deliveries interrupted by a stop');
      }
      startDue();
      const started = Date.now();
      let more = false;
      const { ratePerSecond, batchSize, tickBudgetMs } = deps.options();
      while (true) {
        if (Date.now() - started >= tickBudgetMs) {
          // Out of time for this tick with work left: the scheduler comes straight back.
          more = true;
          break;
        }
        const batch = repo.claimDue(deps.now().toISOString(), batchSize);
        if (batch.length === 0) break;
        const batchStarted = Date.now();
        await Promise.all(batch.map(sendOne));
        if (ratePerSecond > 0) {
          const minimumMs = (batch.length / ratePerSecond) * 1000;
          const wait = minimumMs - (Date.now() - batchStarted);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        // Keep the lease while a long send goes on.
        deps.leases.tryAcquire(LEASE, holder, LEASE_TTL_MS);
      }
      for (const id of repo.finishedSending()) {
        const at = deps.now().toISOString();
        repo.transition(id, 'sending', 'sent', { finished_at: at }, at);
        logger.info({ newsletterId: id }, 'newsletter: sent');
      }
      return more;
    },
    stop() {
      deps.leases.release(LEASE, holder);
    },
  };
}
