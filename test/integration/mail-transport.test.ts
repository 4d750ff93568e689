// How an SMTP refusal is sorted, with nodemailer's real errors from a real server on loopback: a 5xx at RCPT TO is a
// hard bounce when its status is about the address, a refused MAIL FROM (our VERP sender, its bounce domain's MX not
// published yet) is temporary and never suppresses the contact, a policy block at RCPT TO or DATA is permanent for the
// message only. Through the delivery loop: the refused sender is retried and the contact keeps getting mail.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpTransport, type MailTransport } from '../../server/mail/transport.ts';
import { TEST_SECRET } from './helpers.ts';
import { mailWorld, messageRow, queueMessage, subscribedContact, type MailWorld } from './mail-helpers.ts';
import { verpAddress } from '../../server/mail/inbound/verp.ts';

const refusal = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** A receiving server with opinions: it refuses senders and recipients by address, and mail by its subject. */
async function pickyServer(rules: { senders?: Map<string, [number, string]>; recipients?: Map<string, [number, string]>; subjects?: Map<string, [number, string]> }) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(address, _session, callback) {
      const reply = [...(rules.senders ?? [])].find(([pattern]) => address.address.includes(pattern))?.[1];
      callback(reply ? refusal(...reply) : null);
    },
    onRcptTo(address, _session, callback) {
      const reply = rules.recipients?.get(address.address);
      callback(reply ? refusal(...reply) : null);
    },
    onData(stream, _session, callback) {
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      stream.on('end', () => {
        const subject = /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? '';
        const reply = rules.subjects?.get(subject);
        callback(reply ? refusal(...reply) : null);
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('an SMTP refusal', () => {
  let server: Awaited<ReturnType<typeof pickyServer>>;
  let transport: MailTransport;
  beforeEach(async () => {
    server = await pickyServer({
      senders: new Map([['bounce+', [553, '5.1.8 <bounce+x@bounces.shop.example>: Sender address rejected: Domain not found']]]),
      recipients: new Map<string, [number, string]>([
        ['gone@example.org', [550, '5.1.1 <gone@example.org>: Recipient address rejected: User unknown']],
        ['old@example.org', [550, 'No such user here']],
        ['blocked@example.org', [550, '5.7.1 Service unavailable; client host blocked using a block list']],
        ['full@example.org', [552, '5.2.2 Mailbox full']],
        ['later@example.org', [450, '4.2.0 Greylisted, try again later']],
      ]),
      subjects: new Map([['spammy', [554, '5.7.1 Message rejected as spam']]]),
    });
    transport = createSmtpTransport(server.url, { maxConnections: 1, ratePerSecond: 0 });
  });
  afterEach(async () => {
    transport.close();
    await server.close();
  });

  const send = (to: string, from = 'hello@shop.example', subject = 'Hello') => transport.send({ envelope: { from, to }, raw: `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHi\r\n` });

  it('at RCPT TO about the address is a hard bounce (with an enhanced status or, from an old server, without one)', async () => {
    expect(await send('gone@example.org')).toMatchObject({ ok: false, kind: 'bounce', code: 550 });
    expect(await send('old@example.org')).toMatchObject({ ok: false, kind: 'bounce', code: 550 });
  });

  it('at MAIL FROM is about our sender, not the recipient: temporary', async () => {
    const result = await send('ana@example.org', verpAddress('m_01kjsesxm000000wt9xgmdshyp', 'bounces.shop.example', TEST_SECRET));
    expect(result).toMatchObject({ ok: false, kind: 'temporary', code: 553 });
    expect(result.ok === false && result.message).toMatch(/Sender address rejected/);
    expect(await send('ana@example.org')).toMatchObject({ ok: true });
  });

  it('at RCPT TO for a policy block or a full mailbox, or at DATA for the content, is permanent for the message, no bounce', async () => {
    expect(await send('blocked@example.org')).toMatchObject({ ok: false, kind: 'permanent', code: 550 });
    expect(await send('full@example.org')).toMatchObject({ ok: false, kind: 'permanent', code: 552 });
    expect(await send('ana@example.org', undefined, 'spammy')).toMatchObject({ ok: false, kind: 'permanent', code: 554 });
  });

  it('with a 4xx is temporary', async () => {
    expect(await send('later@example.org')).toMatchObject({ ok: false, kind: 'temporary', code: 450 });
  });
});

describe('a receiver that refuses the VERP envelope sender', () => {
  let world: MailWorld;
  let server: Awaited<ReturnType<typeof pickyServer>>;
  beforeEach(async () => {
    world = await mailWorld();
    server = await pickyServer({ senders: new Map([['bounce+', [553, '5.1.8 Sender address rejected: Domain not found']]]) });
    world.mail.delivery.setTransport(createSmtpTransport(server.url, { maxConnections: 1, ratePerSecond: 0 }));
  });
  afterEach(async () => {
    await world.cleanup();
    await server.close();
  });

  it('gets the email again later, and the contact is neither suppressed nor counted as bounced', async () => {
    // The domain checked with its bounce MX found, so mail carries the VERP sender the receiver does not take yet.
    const domain = await world.mail.domains.add({ domain: 'shop.example.com' });
    world.db.$client
      .prepare(`UPDATE sending_domains SET last_check = ? WHERE id = ?`)
      .run(JSON.stringify({ at: 0, ok: true, records: [{ purpose: 'return-path', type: 'MX', name: 'bounces.shop.example.com', status: 'ok', found: 'kairos.example.com', message: '' }] }), domain.id);
    const ana = subscribedContact(world, 'ana@example.org');
    const id = queueMessage(world, ana);

    expect((await world.mail.delivery.runOnce()).outcomes).toMatchObject({ retry: 1, failed: 0 });
    expect(messageRow(world.db, id)).toMatchObject({ status: 'queued', error: expect.stringMatching(/^553 .*Sender address rejected/) });
    expect(world.db.$client.prepare(`SELECT * FROM suppressions`).all()).toEqual([]);
    expect(world.db.$client.prepare(`SELECT count(*) AS n FROM daily_counts WHERE metric IN ('template_bounced', 'domain_bounced')`).get()).toEqual({ n: 0 });
  });
});
