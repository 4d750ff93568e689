// Bounces, complaints and VERP addresses: each sample report reads as what it is and names its message; forged
// addresses, another workspace's secret and garbage name none, and nothing throws.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_REPORT_BYTES, parseInboundReport, type InboundEnvelope, type InboundReport } from '../../server/mail/inbound/reports.ts';
import { parseVerp, verpAddress } from '../../server/mail/inbound/verp.ts';

const SECRET = 'inbound-test-secret-0123456789-abcdefghij';
const OTHER_SECRET = 'another-workspace-secret-0123456789-abcd';
const DOMAIN = 'bounces.example.com';
const settings = { bounceDomains: [DOMAIN], secret: SECRET };

/** The messages the samples are about, as server/ids.ts makes them. */
const ids = {
  postfix: 'm_01kjsesxm000000wt9xgmdshyp',
  soft: 'm_01kjsevr7000000r2wwdrbgbsw',
  exchange: 'm_01kjsexjt0000001fz93eajwq5',
  complaint: 'm_01kjsezdd0000004xsdjcanccp',
  forged: 'm_01kjsf180000000cyy8wnzqywv',
  multi: 'm_01kjsf32k000000abtt3m13trj',
};

const fixture = (name: string): Buffer => readFileSync(new URL(`../integration/fixtures/inbound/${name}.eml`, import.meta.url));
const edited = (name: string, edit: (source: string) => string): Buffer => Buffer.from(edit(fixture(name).toString('latin1')), 'latin1');
const sentTo = (...to: string[]): InboundEnvelope => ({ to, from: '' });
const toVerp = (messageId: string): InboundEnvelope => sentTo(verpAddress(messageId, DOMAIN, SECRET));
const parse = (raw: Buffer, envelope: InboundEnvelope = sentTo('fbl@bounces.example.com'), secret = SECRET) => parseInboundReport(raw, envelope, { bounceDomains: [DOMAIN], secret });

const messageId = fc.stringMatching(/^m_[0-9a-hjkmnp-tv-z]{26}$/);

describe('VERP addresses', () => {
  it('round-trips every message id, in a local part SMTP takes as it is', () => {
    fc.assert(
      fc.property(messageId, (id) => {
        const address = verpAddress(id, DOMAIN, SECRET);
        const local = address.slice(0, address.lastIndexOf('@'));
        // RFC 5321 4.1.2 Dot-string, and 4.5.3.1.1: at most 64 octets.
        expect(local).toMatch(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/);
        expect(local.length).toBeLessThanOrEqual(64);
        expect(parseVerp(address, DOMAIN, SECRET)).toEqual({ messageId: id });
      }),
    );
  });

  it('has the documented shape', () => {
    expect(verpAddress(ids.postfix, DOMAIN, SECRET)).toBe('bounce+m_01kjsesxm000000wt9xgmdshyp.p6cxgwbgvb1e6czt@bounces.example.com');
  });

  it('matches whatever case an MTA gave it, with or without angle brackets', () => {
    const address = verpAddress(ids.postfix, DOMAIN, SECRET);
    expect(parseVerp(address.toUpperCase(), DOMAIN, SECRET)).toEqual({ messageId: ids.postfix });
    expect(parseVerp(`<${address}>`, [DOMAIN], SECRET)).toEqual({ messageId: ids.postfix });
    expect(parseVerp(address.replace(DOMAIN, 'Bounces.Example.COM'), 'bounces.example.com.', SECRET)).toEqual({ messageId: ids.postfix });
  });

  it('refuses every single-character change to the id or the MAC', () => {
    const address = verpAddress(ids.postfix, DOMAIN, SECRET);
    const start = 'bounce+'.length;
    const end = address.lastIndexOf('@');
    fc.assert(
      fc.property(fc.integer({ min: start, max: end - 1 }), fc.constantFrom(...'0123456789abcdefghjkmnpqrstvwxyz_.'), (index, char) => {
        fc.pre(address[index] !== char);
        expect(parseVerp(address.slice(0, index) + char + address.slice(index + 1), DOMAIN, SECRET)).toBeNull();
      }),
    );
  });

  it("refuses another workspace's secret, another domain and addresses of other shapes", () => {
    const address = verpAddress(ids.postfix, DOMAIN, SECRET);
    expect(parseVerp(address, DOMAIN, OTHER_SECRET)).toBeNull();
    expect(parseVerp(address, 'bounces.other.example', SECRET)).toBeNull();
    expect(parseVerp(address.replace(DOMAIN, `mx.${DOMAIN}`), DOMAIN, SECRET)).toBeNull();
    expect(parseVerp(address, ['bounces.other.example', DOMAIN], SECRET)).toEqual({ messageId: ids.postfix });
    for (const other of ['', 'bounce@bounces.example.com', 'ana@bounces.example.com', `bounce+${ids.postfix}@${DOMAIN}`, `bounce+.p6cxgwbgvb1e6czt@${DOMAIN}`, address.replace('bounce+', 'bounces+'), `"${address}"`]) {
      expect(parseVerp(other, DOMAIN, SECRET)).toBeNull();
    }
  });

  it('will not put an id into an address that would not survive the trip', () => {
    expect(() => verpAddress('m_ABC', DOMAIN, SECRET)).toThrow(RangeError);
    expect(() => verpAddress('m_a.b', DOMAIN, SECRET)).toThrow(RangeError);
    expect(() => verpAddress(`m_${'a'.repeat(40)}`, DOMAIN, SECRET)).toThrow(RangeError);
  });
});

describe('sample reports', () => {
  const samples: Array<[string, InboundEnvelope, InboundReport[]]> = [
    [
      'postfix-hard-bounce',
      toVerp(ids.postfix),
      [{ kind: 'bounce', severity: 'hard', messageId: ids.postfix, recipient: 'ana.lopez@example.net', status: '5.1.1', diagnostic: '550 5.1.1 <ana.lopez@example.net>: Recipient address rejected: User unknown in virtual mailbox table', reportingMta: 'mail.shop.example' }],
    ],
    [
      // Action delayed: a warning while the server keeps trying, not a bounce.
      'soft-bounce-mailbox-full',
      toVerp(ids.soft),
      [{ kind: 'bounce', severity: 'delayed', messageId: ids.soft, recipient: 'ben.okafor@example.org', status: '4.2.2', diagnostic: '452 4.2.2 <ben.okafor@example.org>: Mailbox full', reportingMta: 'mail.shop.example' }],
    ],
    [
      'greylisted-delayed',
      toVerp(ids.soft),
      [{ kind: 'bounce', severity: 'delayed', messageId: ids.soft, recipient: 'ben.okafor@example.org', status: '4.7.1', diagnostic: '450 4.7.1 <ben.okafor@example.org>: Recipient address rejected: Greylisted, see https://postgrey.example.org/help/example.org.html', reportingMta: 'mail.shop.example' }],
    ],
    [
      // The server gave up after five days of 4.2.2: Action failed, a soft bounce.
      'soft-bounce-expired',
      toVerp(ids.soft),
      [{ kind: 'bounce', severity: 'soft', messageId: ids.soft, recipient: 'ben.okafor@example.org', status: '4.2.2', diagnostic: '452 4.2.2 <ben.okafor@example.org>: Mailbox full', reportingMta: 'mail.shop.example' }],
    ],
    [
      // Failed for good, but for DMARC (our domain's authentication), not because of the address.
      'gmail-dmarc-rejection',
      toVerp(ids.postfix),
      [
        {
          kind: 'bounce',
          severity: 'blocked',
          messageId: ids.postfix,
          recipient: 'chloe.martin@gmail.example',
          status: '5.7.26',
          diagnostic:
            "550-5.7.26 Unauthenticated email from shop.example is not accepted due to domain's 550-5.7.26 DMARC policy. Please contact the administrator of shop.example domain 550-5.7.26 if this was a legitimate mail. 550 5.7.26 To learn about the DMARC initiative, go to https://support.google.com/mail/?p=DmarcRejection",
          reportingMta: 'mail.shop.example',
        },
      ],
    ],
    [
      'mailbox-full-permanent',
      toVerp(ids.postfix),
      [{ kind: 'bounce', severity: 'blocked', messageId: ids.postfix, recipient: 'eli.weber@example.de', status: '5.2.2', diagnostic: '552 5.2.2 <eli.weber@example.de>: Mailbox full, over quota', reportingMta: 'mail.shop.example' }],
    ],
    [
      'exchange-hard-bounce',
      // Upper-cased on the way, as some MTAs do.
      sentTo(verpAddress(ids.exchange, DOMAIN, SECRET).toUpperCase()),
      [{ kind: 'bounce', severity: 'hard', messageId: ids.exchange, recipient: 'c.meyer@contoso.example', status: '5.1.10', diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', reportingMta: 'AM0PR01MB6120.eurprd01.prod.exchangelabs.com' }],
    ],
    [
      'arf-abuse-complaint',
      sentTo('fbl@bounces.example.com'),
      [{ kind: 'complaint', messageId: ids.complaint, recipient: 'dana.k@yahoo.example', feedbackType: 'abuse', userAgent: 'Yahoo!-Mail-Feedback/2.0' }],
    ],
    ['malformed-report', toVerp(ids.postfix), [{ kind: 'unmatched', reason: 'a delivery-status report without its message/delivery-status part' }]],
    ['out-of-office', toVerp(ids.soft), [{ kind: 'unmatched', reason: 'an automatic reply (Auto-Submitted: auto-replied), not a report' }]],
    [
      'forged-verp',
      sentTo(`bounce+${ids.forged}.aaaabbbbccccdddd@${DOMAIN}`),
      // Its included headers carry our Message-ID, but whoever forged the address wrote those too.
      [{ kind: 'bounce', severity: 'hard', messageId: null, recipient: 'eve.target@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', reportingMta: 'mail.example.com' }],
    ],
    [
      'multi-recipient',
      toVerp(ids.multi),
      // The third recipient was relayed: no bounce.
      [
        { kind: 'bounce', severity: 'hard', messageId: ids.multi, recipient: 'f.garcia@example.edu', status: '5.1.1', diagnostic: '550 5.1.1 <f.garcia@example.edu>: Recipient address rejected: User unknown', reportingMta: 'lists.example.edu' },
        { kind: 'bounce', severity: 'delayed', messageId: ids.multi, recipient: 'g.ito@example.edu', status: '4.4.1', diagnostic: 'connect to mx2.example.edu[192.0.2.160]:25: Connection timed out', reportingMta: 'lists.example.edu' },
      ],
    ],
  ];

  it.each(samples)('%s', async (name, envelope, expected) => {
    expect(await parseInboundReport(fixture(name), envelope, settings)).toEqual(expected);
  });

  it('are written with CRLF line ends, and read the same with bare LF', async () => {
    const raw = fixture('postfix-hard-bounce');
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/);
    const lf = Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    expect(await parse(lf, toVerp(ids.postfix))).toEqual(await parse(raw, toVerp(ids.postfix)));
  });
});

describe('the message a report is about', () => {
  const messageIdOf = async (raw: Buffer, envelope?: InboundEnvelope, secret?: string) => {
    const [first] = await parse(raw, envelope, secret);
    return first.kind === 'unmatched' ? first : first.messageId;
  };

  it('is the VERP envelope recipient first, whatever the included headers say', async () => {
    expect(await messageIdOf(fixture('postfix-hard-bounce'), toVerp(ids.multi))).toBe(ids.multi);
    expect(await messageIdOf(fixture('postfix-hard-bounce'), sentTo('postmaster@bounces.example.com', verpAddress(ids.multi, DOMAIN, SECRET)))).toBe(ids.multi);
  });

  it("is the original's VERP Return-Path when the report came to another address", async () => {
    const withoutMessageId = edited('postfix-hard-bounce', (s) => s.replace(/^Message-ID: <m_.*\r\n/m, ''));
    expect(withoutMessageId.toString()).not.toContain(`<${ids.postfix}@`);
    expect(await messageIdOf(withoutMessageId, sentTo('postmaster@bounces.example.com'))).toBe(ids.postfix);
  });

  it("is our Message-ID in the original's headers when the report carries no VERP address", async () => {
    const noVerp = edited('arf-abuse-complaint', (s) => s.replace(/^(Original-Mail-From|Return-Path): <bounce\+.*\r\n/gm, ''));
    expect(noVerp.toString()).not.toContain('bounce+');
    expect(await messageIdOf(noVerp)).toBe(ids.complaint);
    const exchange = edited('exchange-hard-bounce', (s) => s.replace(/^Return-Path: bounce\+.*\r\n/m, ''));
    expect(await messageIdOf(exchange, sentTo('postmaster@bounces.example.com'))).toBe(ids.exchange);
  });

  it('is null for a Message-ID that is not ours', async () => {
    const foreign = edited('exchange-hard-bounce', (s) => s.replace(/^Return-Path: bounce\+.*\r\n/m, '').replace('<m_01kjsexjt0000001fz93eajwq5@shop.example>\r\nDate', '<CAF=8kX2q@mail.gmail.example>\r\nDate'));
    expect(await messageIdOf(foreign, sentTo('postmaster@bounces.example.com'))).toBeNull();
  });

  it("is null for a report sent to our VERP address under another workspace's secret", async () => {
    expect(await messageIdOf(fixture('postfix-hard-bounce'), toVerp(ids.postfix), OTHER_SECRET)).toBeNull();
  });
});

describe('delivery status notifications', () => {
  it('read the global (RFC 6533) delivery-status part too', async () => {
    const global = edited('postfix-hard-bounce', (s) => s.replace('Content-Type: message/delivery-status', 'Content-Type: message/global-delivery-status'));
    expect(await parse(global, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'hard', status: '5.1.1' }]);
  });

  it('take the status from the diagnostic when the Status field is missing', async () => {
    const noStatus = edited('postfix-hard-bounce', (s) => s.replace('Status: 5.1.1\r\n', ''));
    expect(await parse(noStatus, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'hard', status: '5.1.1' }]);
  });

  it('call a failure with a 4.x.x status soft, and a delay or a 4.x.x without Action failed a delay', async () => {
    const temporary = edited('postfix-hard-bounce', (s) => s.replace('Status: 5.1.1', 'Status: 4.7.0'));
    expect(await parse(temporary, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'soft', status: '4.7.0' }]);
    const noAction = edited('postfix-hard-bounce', (s) => s.replace('Action: failed\r\n', '').replace('Status: 5.1.1', 'Status: 4.7.0'));
    expect(await parse(noAction, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'delayed', status: '4.7.0' }]);
    const delayed5 = edited('postfix-hard-bounce', (s) => s.replace('Action: failed', 'Action: delayed'));
    expect(await parse(delayed5, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'delayed', status: '5.1.1' }]);
  });

  // RFC 3463: X.1.x are address statuses (but X.1.7 and X.1.8, about the sender), X.2.1 a disabled mailbox.
  it.each(['5.1.1', '5.1.2', '5.1.3', '5.1.6', '5.1.10', '5.2.1'])('call a failure with %s (about the address) hard', async (status) => {
    const failed = edited('postfix-hard-bounce', (s) => s.replaceAll('5.1.1', status));
    expect(await parse(failed, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'hard', status }]);
  });

  it.each(['5.7.1', '5.7.26', '5.7.0', '5.2.2', '5.2.3', '5.3.4', '5.4.4', '5.4.7', '5.1.8', '5.0.0', '5.5.0'])('call a failure with %s (not about the address) blocked', async (status) => {
    const failed = edited('postfix-hard-bounce', (s) => s.replaceAll('5.1.1', status));
    expect(await parse(failed, toVerp(ids.postfix))).toMatchObject([{ kind: 'bounce', severity: 'blocked', status }]);
  });

  it('are no bounce when every recipient was delivered', async () => {
    const delivered = edited('postfix-hard-bounce', (s) => s.replace('Action: failed', 'Action: delivered').replace('Status: 5.1.1', 'Status: 2.0.0'));
    expect(await parse(delivered, toVerp(ids.postfix))).toEqual([{ kind: 'unmatched', reason: 'a delivery status notification of successful deliveries only (delivered, relayed or expanded), not a bounce' }]);
  });

  it('say which recipient block is broken', async () => {
    const noRecipient = edited('postfix-hard-bounce', (s) => s.replace(/^(Final|Original)-Recipient: .*\r\n/gm, ''));
    expect(await parse(noRecipient, toVerp(ids.postfix))).toEqual([{ kind: 'unmatched', reason: 'a recipient block without a Final-Recipient address' }]);
  });
});

describe('complaints', () => {
  it('keep not-spam apart and count an unknown feedback type as other (RFC 5965)', async () => {
    const notSpam = edited('arf-abuse-complaint', (s) => s.replace('Feedback-Type: abuse', 'Feedback-Type: not-spam'));
    expect(await parse(notSpam)).toMatchObject([{ kind: 'complaint', feedbackType: 'not-spam' }]);
    const unknown = edited('arf-abuse-complaint', (s) => s.replace('Feedback-Type: abuse', 'Feedback-Type: opt-out'));
    expect(await parse(unknown)).toMatchObject([{ kind: 'complaint', feedbackType: 'other' }]);
  });

  it('have a null recipient when the provider redacted it', async () => {
    const redacted = edited('arf-abuse-complaint', (s) => s.replace(/^Original-Rcpt-To: .*\r\n/m, ''));
    expect(await parse(redacted)).toEqual([{ kind: 'complaint', messageId: ids.complaint, recipient: null, feedbackType: 'abuse', userAgent: 'Yahoo!-Mail-Feedback/2.0' }]);
  });

  it('are unmatched without their feedback-report part or a Feedback-Type', async () => {
    const noPart = edited('arf-abuse-complaint', (s) => s.replace('Content-Type: message/feedback-report', 'Content-Type: text/plain'));
    expect(await parse(noPart)).toEqual([{ kind: 'unmatched', reason: 'a feedback-report without its message/feedback-report part' }]);
    const noType = edited('arf-abuse-complaint', (s) => s.replace('Feedback-Type: abuse\r\n', ''));
    expect(await parse(noType)).toEqual([{ kind: 'unmatched', reason: 'a feedback report without a Feedback-Type' }]);
  });
});

describe('anything else', () => {
  it.each([
    ['empty', Buffer.alloc(0), 'the message is empty'],
    ['without header fields', Buffer.alloc(4096), 'not a mail message: it has no header fields'],
    ['with a header longer than 256 KB', Buffer.from(`Subject: ${'a'.repeat(2_000_000)}\r\n\r\nbody`), 'a header block is longer than 256 KB'],
    ['with 100,000 header fields', Buffer.from(`${'X-Spam: yes\r\n'.repeat(100_000)}\r\nbody`), 'a header block is longer than 256 KB'],
    ['too large to be a report', Buffer.concat([Buffer.from('Subject: hi\r\n\r\n'), Buffer.alloc(MAX_REPORT_BYTES, 0x61)]), 'the message is larger than 10 MB'],
    ['a report of another type', Buffer.from('Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nread\r\n--b--\r\n'), 'a report of type disposition-notification, neither a delivery status notification nor a complaint'],
  ])('is unmatched when %s', async (_name, raw, reason) => {
    expect(await parse(raw, toVerp(ids.postfix))).toEqual([{ kind: 'unmatched', reason }]);
  });

  it("cuts a sender's words short in the reason", async () => {
    const [report] = await parse(Buffer.from(`Content-Type: multipart/report; report-type=${'x'.repeat(10_000)}; boundary=b\r\n\r\n--b--\r\n`));
    expect(report).toEqual({ kind: 'unmatched', reason: `a report of type ${'x'.repeat(80)}…, neither a delivery status notification nor a complaint` });
  });

  const isWellFormed = (reports: InboundReport[]) =>
    reports.length >= 1 && reports.every((r) => (r.kind === 'unmatched' ? r.reason.length > 0 : r.kind === 'bounce' ? /^[245]\.\d+\.\d+$/.test(r.status) && r.recipient.includes('@') : r.kind === 'complaint'));

  it('never throws on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expect(isWellFormed(await parse(Buffer.from(bytes), toVerp(ids.postfix)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on a real report with random bytes overwritten', async () => {
    const names = ['postfix-hard-bounce', 'exchange-hard-bounce', 'arf-abuse-complaint', 'multi-recipient'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 }), async (name, changes) => {
        const raw = Buffer.from(fixture(name));
        for (const [at, byte] of changes) raw[at % raw.length] = byte;
        expect(isWellFormed(await parse(raw, toVerp(ids.postfix)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
