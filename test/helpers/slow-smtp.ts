import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type SinkMail = { to: string[]; messageId: string; bytes: number; at: number };

/**
 * A loopback SMTP server that accepts everything and keeps only the envelope, the Message-ID and
 * the size — for thousands of mails (the crash test, the newsletter bench). `delayMs` makes it a
 * slow server: each message waits that long after its data before the 250 answer.
 */
export class SinkSmtpServer {
  readonly received: SinkMail[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor(private readonly delayMs: () => number = () => 0) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let bytes = 0;
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (head.length < 16_384 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const headers = (head.split('\r\n\r\n')[0] ?? '').replace(/\r\n[ \t]+/g, ' ');
          const messageId = /^Message-ID:[ \t]*(<[^>]+>)/im.exec(headers)?.[1] ?? '';
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const accept = () => {
            // Counted as delivered when the server answers 250, as a real MTA would queue it.
            this.received.push({ to, messageId, bytes, at: Date.now() });
            callback();
          };
          const delay = this.delayMs();
          if (delay > 0) setTimeout(accept, delay);
          else accept();
        });
      },
    });
    // A client killed mid-conversation (the crash test's SIGKILL) resets its socket: expected here.
    this.server.on('error', () => {});
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
