import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = {
  to: string[];
  raw: string;
  parsed: ParsedMail;
  subject: string;
  text: string;
  html: string;
};

/**
 * A real SMTP server on loopback (the smtp-server package). `respond` lets a test answer a
 * recipient with an SMTP error, e.g. 451 once or 550 always.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer;
  private waiters: (() => void)[] = [];
  port = 0;
  respond: (to: string[]) => { code: number; message: string } | undefined = () => undefined;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const answer = this.respond(to);
          if (answer) {
            const err = new Error(answer.message) as Error & { responseCode: number };
            err.responseCode = answer.code;
            return callback(err);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          this.received.push({
            to,
            raw,
            parsed,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          callback();
          for (const w of this.waiters.splice(0)) w();
        });
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Mails to one address (lower case), oldest first. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address.toLowerCase()));
  }

  clear(): void {
    this.received.length = 0;
  }
}

/** The first http(s) link in a mail's text that starts with `prefix` (e.g. "/invitations/"). */
export function linkIn(mail: ReceivedMail, pathPrefix: string): string {
  const match = mail.text.match(new RegExp(`https?://[^\\s]+${pathPrefix.replace(/[/]/g, '\\/')}[^\\s]*`));
  if (!match) throw new Error(`no link with ${pathPrefix} in mail "${mail.subject}":\n${mail.text}`);
  return match[0];
}
