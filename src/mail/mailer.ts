import type { Locale } from '../web/dates.js';
import type { MailComposer, MailContent } from './composer.js';
import type { OutboxRepository } from './outbox.repository.js';

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

  queue(content: MailContent): number {
    return this.outbox.enqueue(this.composer.compose(content), this.now().toISOString());
  }

  /** One mail per recipient, each to their own address and in their own language. */
  queueEach<R extends { email: string; locale: Locale }>(
    recipients: Iterable<R>,
    content: (recipient: R) => Omit<MailContent, 'to' | 'locale'>,
  ): void {
    for (const r of recipients) this.queue({ ...content(r), to: r.email, locale: r.locale });
  }
}
