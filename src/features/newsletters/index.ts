import type { Core } from '../../core.js';
import type { MailTransport } from '../../mail/transport.js';
import { VIEWS_DIR } from '../../paths.js';
import { type DeliveryOptions, newsletterDeliveryJob } from './delivery.job.js';
import { monthlyDraftJob } from './monthly-draft.job.js';
import { NewsletterMailer } from './newsletter-mail.js';
import { NewslettersRepository } from './newsletters.repository.js';
import { NewslettersService } from './newsletters.service.js';
import { UnsubscribeTokens } from './unsubscribe.js';

export { createNewslettersRouter } from './newsletters.routes.js';

/**
 * Newsletters get their own transport (an SMTP pool, or .eml files) so a long send never holds up
 * invitations and password resets in the outbox.
 */
export function createNewslettersFeature(core: Core, deps: { transport: MailTransport }) {
  const repo = new NewslettersRepository(core.db, new URL(core.baseUrl()).hostname || 'localhost');
  const tokens = new UnsubscribeTokens(core.config.sessionSecret);
  const mail = new NewsletterMailer({
    ...core,
    repo,
    tokens,
    viewsDir: VIEWS_DIR,
    from: core.config.mailFrom,
    authority: () => ({
      name: core.settings.get('authority_name'),
      email: core.settings.get('authority_email'),
      phone: core.settings.get('authority_phone'),
    }),
  });
  const job = newsletterDeliveryJob({
    ...core,
    repo,
    mail,
    transport: deps.transport,
    options: (): DeliveryOptions => ({
      ratePerSecond: core.settings.getNumber('newsletter_rate_per_second'),
      batchSize: core.settings.getNumber('newsletter_batch_size'),
      tickBudgetMs: 3_000,
    }),
  });
  const monthlyDraft = monthlyDraftJob({ ...core, repo });
  const service = new NewslettersService({ ...core, repo, mail, tokens, startDue: () => job.startDue() });
  return {
    service,
    jobs: [job, monthlyDraft],
    monthlyDraft,
    tokens,
    repo,
  };
}
