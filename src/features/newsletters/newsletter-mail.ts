import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Core } from '../../core.js';
import type { Authority } from '../../mail/composer.js';
import type { SendableMail } from '../../mail/transport.js';
import { formatDate } from '../../web/dates.js';
import { translator } from '../../web/i18n.js';
import { markdownToText } from '../../web/markdown.js';
import type { DeliveryRow, NewsletterRow, NewslettersRepository } from './newsletters.repository.js';
import type { UnsubscribeTokens } from './unsubscribe.js';

/**
 * Builds one recipient's newsletter message at send time: the same content for everyone, with
 * that person's one-click unsubscribe link (RFC 8058) in the headers and the footer.
 */
export class NewsletterMailer {
  private readonly html;
  private readonly text;
  private readonly cache = new Map<number, { n: NewsletterRow; bodyText: string }>();

  constructor(
    private readonly deps: Pick<Core, 'messages' | 'baseUrl'> & {
      repo: NewslettersRepository;
      tokens: UnsubscribeTokens;
      viewsDir: string;
      from: string;
      authority: () => Authority;
    },
  ) {
    const load = (file: string) => {
      const filename = path.join(deps.viewsDir, 'mail', file);
      return ejs.compile(readFileSync(filename, 'utf8'), { filename });
    };
    this.html = load('newsletter.html.ejs');
    this.text = load('newsletter.text.ejs');
  }

  /**
   * A newsletter's content does not change once it is sending, so it is read (and its plain text
   * worked out) once per process, not once per recipient.
   */
  private newsletter(id: number): { n: NewsletterRow; bodyText: string } {
    let entry = this.cache.get(id);
    if (!entry) {
      const n = this.deps.repo.findById(id);
      if (!n) throw new Error(`newsletter ${id} missing`);
      if (this.cache.size > 50) this.cache.clear();
      entry = { n, bodyText: markdownToText(n.body_markdown) };
      this.cache.set(id, entry);
    }
    return entry;
  }

  /** The message for a delivery, with the delivery's Message-ID (the same one on a resend). */
  messageFor(
    delivery: Pick<DeliveryRow, 'newsletter_id' | 'user_id' | 'email' | 'locale' | 'message_id'>,
  ): SendableMail {
    const { n, bodyText } = this.newsletter(delivery.newsletter_id);
    return { ...this.compose(n, bodyText, delivery), messageId: delivery.message_id };
  }

  /**
   * The same rendering for the preview and the test send (which goes through the outbox, so has no
   * Message-ID of its own). `user_id` null (a test send to oneself without an account) has no unsubscribe.
   */
  render(
    n: Pick<NewsletterRow, 'id' | 'title' | 'body_markdown' | 'body_html' | 'send_at' | 'started_at'>,
    to: { user_id: number | null; email: string; locale: string },
  ): Omit<SendableMail, 'messageId'> {
    return this.compose(n, markdownToText(n.body_markdown), to);
  }

  private compose(
    n: Pick<NewsletterRow, 'id' | 'title' | 'body_html' | 'send_at' | 'started_at'>,
    bodyText: string,
    to: { user_id: number | null; email: string; locale: string },
  ): Omit<SendableMail, 'messageId'> {
    const locale = to.locale === 'en' ? 'en' : 'da';
    const t = translator(this.deps.messages, locale);
    const base = this.deps.baseUrl();
    const authority = this.deps.authority();
    const token = to.user_id !== null ? this.deps.tokens.tokenFor(to.user_id) : null;
    const unsubscribeUrl = token ? `${base}/unsubscribe/${token}` : null;
    const mailto = token
      ? `mailto:${authority.email}?subject=${encodeURIComponent(`${t('newsletters.mail.unsubscribe_subject')} ${token}`)}`
      : null;
    const data = {
      t,
      locale,
      title: n.title,
      bodyHtml: n.body_html,
      bodyText,
      date: formatDate(n.started_at ?? n.send_at ?? new Date(), locale),
      archiveUrl: `${base}/newsletters/${n.id}`,
      unsubscribeUrl,
      authority,
    };
    const headers: Record<string, string> = {};
    if (unsubscribeUrl && mailto) {
      headers['List-Unsubscribe'] = `<${unsubscribeUrl}>, <${mailto}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    headers['List-Id'] = `Nærnet nyhedsbreve <newsletters.${new URL(base).hostname}>`;
    return {
      from: this.deps.from,
      to: to.email,
      subject: n.title,
      html: this.html(data),
      text: this.text(data),
      headers,
    };
  }
}
