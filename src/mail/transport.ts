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

/** Thrown by a transport; `permanent` means retrying cannot help (an SMTP 5xx answer). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

function toDeliveryError(err: unknown): DeliveryError {
  const e = err as { responseCode?: number; response?: string; message?: string; code?: string };
  const code = e.responseCode;
  const text = e.response ?? e.message ?? String(err);
  const prefix = code ? String(code) : (e.code ?? 'ERROR');
  // nodemailer's `response` usually starts with the code already ("550 Mailbox unavailable").
  const message = text.startsWith(prefix) ? text : `${prefix} ${text}`;
  return new DeliveryError(message, code !== undefined && code >= 500);
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

/** SMTP through a nodemailer pool (SMTP_URL). */
export function smtpTransport(url: string): MailTransport {
  const pooled = url.includes('?') ? `${url}&pool=true` : `${url}?pool=true`;
  const transporter = nodemailer.createTransport(pooled);
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
