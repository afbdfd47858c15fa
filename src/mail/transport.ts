import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { OutboxRow } from './outbox.repository.js';

export type SendableMail = {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
  icalEvent?: { method: string; filename?: string; content: string };
  attachments?: { filename: string; contentType: string; content: string }[];
};

export type MailTransport = {
  /** Resolves with the server's answer (e.g. "250 2.0.0 OK: queued"). */
  send(mail: SendableMail): Promise<string>;
  close(): void;
};

/** Thrown by a transport; `permanent` means retrying cannot help (an SMTP 5xx answer to the mail). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

type NodemailerError = {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
  /** Set by nodemailer with `responseCode`: a 5xx other than 503 (RFC 5321). */
  permanent?: boolean;
};

/**
 * Permanent only when the server answered the mail itself with a 5xx (docs/domain.md#mail-delivery-and-retries),
 * or nodemailer refused an address it could never send to. Everything else is retried: 4xx, a
 * refused or dropped connection (ESOCKET, ECONNECTION), a timeout (ETIMEDOUT), a name that does not
 * resolve (EDNS), and a relay refusing our login (EAUTH, even as 535) — that is the operator's
 * configuration, not the mail, and failing every queued mail at once would lose them all.
 */
export function isPermanentFailure(e: NodemailerError): boolean {
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return false;
  if (e.responseCode !== undefined) {
    return e.permanent ?? (e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503);
  }
  return e.code === 'EENVELOPE';
}

function toDeliveryError(err: unknown): DeliveryError {
  const e = err as NodemailerError;
  const code = e.responseCode;
  const text = e.response ?? e.message ?? String(err);
  const prefix = code ? String(code) : (e.code ?? 'ERROR');
  // nodemailer's `response` usually starts with the code already ("550 Mailbox unavailable").
  const message = text.startsWith(prefix) ? text : `${prefix} ${text}`;
  return new DeliveryError(message, isPermanentFailure(e));
}

/** An outbox row as the transport sends it, with its calendar invitation and attachments. */
export function sendableFromOutbox(row: OutboxRow, from: string): SendableMail {
  const extras = JSON.parse(row.extras || '{}') as Pick<SendableMail, 'icalEvent' | 'attachments'>;
  return {
    from,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    messageId: row.message_id,
    headers: JSON.parse(row.headers) as Record<string, string>,
    ...(extras.icalEvent ? { icalEvent: extras.icalEvent } : {}),
    ...(extras.attachments ? { attachments: extras.attachments } : {}),
  };
}

/**
 * How long SMTP may keep us waiting, in ms; nodemailer's own defaults (2 minutes to connect, 10
 * minutes of silence) would hold the outbox's lease and the scheduler for far longer than an
 * answer from a working relay takes. A timeout is a temporary failure: the mail is tried again.
 * A `?connectionTimeout=…` in SMTP_URL wins.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** SMTP through a nodemailer pool (SMTP_URL). */
export function smtpTransport(url: string, timeouts: Partial<typeof SMTP_TIMEOUTS> = {}): MailTransport {
  const [base, query = ''] = url.split(/\?(.*)/s, 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('pool', 'true');
  for (const [name, ms] of Object.entries({ ...SMTP_TIMEOUTS, ...timeouts })) {
    if (!params.has(name)) params.set(name, String(ms));
  }
  const transporter = nodemailer.createTransport(`${base}?${params}`);
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail(mail);
        return String(info.response ?? '250 OK');
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
    close: () => transporter.close(),
  };
}

/** Without SMTP_URL each message becomes an RFC 5322 file in DATA_DIR/mail, for development and demos. */
export function fileTransport(dir: string): MailTransport {
  mkdirSync(dir, { recursive: true });
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transporter.sendMail(mail);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const safeId = mail.messageId.replace(/[^a-zA-Z0-9-]/g, '').slice(0, 40);
      const file = `${stamp}-${safeId}.eml`;
      writeFileSync(path.join(dir, file), info.message as Buffer);
      return `written to ${file}`;
    },
    close: () => {},
  };
}
