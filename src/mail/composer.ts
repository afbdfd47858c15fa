import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Locale } from '../web/dates.js';
import { type Messages, translator } from '../web/i18n.js';
import type { MailExtras, OutgoingMail } from './outbox.repository.js';

/**
 * What a message says, in the recipient's language. Paragraphs are plain text (escaped in HTML);
 * the optional action becomes a button in HTML and a bare link in plain text.
 */
export type MailContent = {
  kind: string;
  to: string;
  locale: Locale;
  subjectKey: string;
  params?: Record<string, string | number>;
  paragraphKeys: string[];
  action?: { labelKey: string; url: string };
  headers?: Record<string, string>;
  /** A calendar invitation (.ics) or files to attach. */
  extras?: MailExtras;
};

export type Authority = { name: string; email: string; phone: string };

/** Builds the plain-text and HTML parts of every portal email in the portal's look. */
export class MailComposer {
  private readonly htmlTemplate;
  private readonly textTemplate;

  constructor(
    private readonly messages: Messages,
    viewsDir: string,
    private readonly authority: () => Authority,
    private readonly baseUrl: () => string,
  ) {
    const load = (file: string) =>
      ejs.compile(readFileSync(path.join(viewsDir, 'mail', file), 'utf8'), {
        filename: path.join(viewsDir, 'mail', file),
      });
    this.htmlTemplate = load('layout.html.ejs');
    this.textTemplate = load('layout.text.ejs');
  }

  compose(content: MailContent): OutgoingMail {
    const t = translator(this.messages, content.locale);
    const params = { portal: 'Nærnet', ...content.params };
    const subject = t(content.subjectKey, params);
    const paragraphs = content.paragraphKeys.map((key) => t(key, params));
    const action = content.action
      ? { label: t(content.action.labelKey, params), url: content.action.url }
      : undefined;
    const data = {
      t,
      locale: content.locale,
      subject,
      paragraphs,
      action,
      authority: this.authority(),
      baseUrl: this.baseUrl(),
    };
    return {
      kind: content.kind,
      to: content.to,
      subject,
      text: this.textTemplate(data),
      html: this.htmlTemplate(data),
      headers: content.headers,
      extras: content.extras,
    };
  }
}
