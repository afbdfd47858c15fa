import type { Locale } from '../web/dates.js';
import type { MailComposer, MailContent } from './composer.js';
import type { OutboxRepository } from './outbox.repository.js';

/**
 * A mail as features queue it. `concernIds` names every concern whose words the mail carries (a
 * title, a reply, a referral's note): anonymising one of them removes the mail's subject and body
 * (docs/domain.md#retention), so every mail about a concern must name it.
 */
export type QueuedMail = MailContent & { concernIds?: readonly number[] };

/**
 * The one way features send mail: compose in the recipient's language and put it in the outbox.
 * Synchronous on purpose — call it inside the transaction of the change that causes the mail.
 */
export class Mailer {
  constructor(
    private readonly composer: MailComposer,
    private readonly outbox: OutboxRepository,
    private readonly now: () => Date,
  ) {}

  queue(content: QueuedMail): number {
    return this.outbox.enqueue(this.composer.compose(content), this.now().toISOString(), content.concernIds);
  }

  /** One mail per recipient, each to their own address and in their own language. */
  queueEach<R extends { email: string; locale: Locale }>(
    recipients: Iterable<R>,
    content: (recipient: R) => Omit<QueuedMail, 'to' | 'locale'>,
  ): void {
    for (const r of recipients) this.queue({ ...content(r), to: r.email, locale: r.locale });
  }
}
