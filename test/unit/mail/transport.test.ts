/**
 * How the SMTP transport tells a temporary failure from a permanent one, against real servers on
 * loopback: what nodemailer reports for each is what decides whether a mail is retried for 72 hours
 * or failed at once (docs/domain.md#mail-delivery-and-retries).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  DeliveryError,
  isPermanentFailure,
  type SendableMail,
  smtpTransport,
} from '../../../src/mail/transport.js';
import { TestSmtpServer } from '../../helpers/smtp.js';

const mail: SendableMail = {
  from: 'noreply@naernet.test',
  to: 'ssp@politi.example',
  subject: 'Henvisning',
  text: 'Tekst',
  html: '<p>Tekst</p>',
  messageId: '<transport-test@naernet.test>',
  headers: {},
};

/** The DeliveryError a send through `url` ends with. */
async function failureOf(url: string, timeouts = {}): Promise<DeliveryError> {
  const transport = smtpTransport(url, timeouts);
  try {
    await transport.send(mail);
  } catch (err) {
    assert.ok(err instanceof DeliveryError, `a DeliveryError, not ${String(err)}`);
    return err;
  } finally {
    transport.close();
  }
  assert.fail('the send was accepted');
}

describe('SMTP failures, temporary or permanent', () => {
  const smtp = new TestSmtpServer();
  let url = '';
  before(async () => {
    url = await smtp.start();
  });
  after(() => smtp.stop());

  for (const [code, permanent] of [
    [421, false],
    [451, false],
    [452, false],
    [503, false],
    [550, true],
    [554, true],
  ] as const) {
    it(`an answer ${code} to the mail is ${permanent ? 'permanent' : 'temporary'}, with the answer as the reason`, async () => {
      smtp.respond = () => ({ code, message: 'Svar fra serveren' });
      const error = await failureOf(url);
      assert.equal(error.permanent, permanent);
      assert.equal(error.message, `${code} Svar fra serveren`);
    });
  }

  it('a refused connection (the relay is down) is temporary', async () => {
    const closed = new TestSmtpServer();
    const closedUrl = await closed.start();
    await closed.stop();
    const error = await failureOf(closedUrl);
    assert.equal(error.permanent, false);
    assert.match(error.message, /^ESOCKET .*ECONNREFUSED/);
  });

  it('a server that never answers times out, and that is temporary', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const error = await failureOf(`smtp://127.0.0.1:${port}`, {
        connectionTimeout: 300,
        greetingTimeout: 300,
        socketTimeout: 300,
      });
      assert.equal(error.permanent, false);
      assert.match(error.message, /^ETIMEDOUT/);
    } finally {
      silent.close();
    }
  });

  it('a relay name that does not resolve is temporary', async () => {
    const error = await failureOf('smtp://relay.naernet.invalid:25');
    assert.equal(error.permanent, false);
    assert.match(error.message, /^EDNS/);
  });

  it('a relay refusing our login is the configuration, not the mail: retried, even as 535', () => {
    assert.equal(isPermanentFailure({ code: 'EAUTH', responseCode: 535, permanent: true }), false);
    assert.equal(isPermanentFailure({ code: 'EENVELOPE' }), true, 'an address nodemailer cannot send to');
    assert.equal(isPermanentFailure({ code: 'EENVELOPE', responseCode: 550, permanent: true }), true);
    assert.equal(isPermanentFailure({ code: 'EENVELOPE', responseCode: 450, permanent: false }), false);
  });
});
