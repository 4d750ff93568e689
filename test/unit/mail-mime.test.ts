// The MIME message of an email as a mail client reads it (mailparser): any text and HTML come back as they were, in lines SMTP and RFC 2045 allow.
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMail } from '../../server/mail/compose.ts';
import { buildMime, quotedPrintable } from '../../server/mail/mime.ts';

function email(overrides: { subject?: string; fromName?: string; text?: string; html?: string } = {}) {
  const mail = composeMail({
    messageId: 'a2c4e6f8-0000-4000-8000-000000000001',
    to: 'ana@example.com',
    from: { name: overrides.fromName ?? 'Kairos Shop', email: 'hello@shop.example.com' },
    replyTo: 'help@shop.example.com',
    subject: overrides.subject ?? 'Welcome, Ana',
    html: overrides.html ?? '<p>Hi Ana</p>',
    text: overrides.text ?? 'Hi Ana',
    date: new Date('2026-05-12T12:00:00Z'),
    unsubscribeUrl: 'https://kairos.example.com/u/abc.def',
  });
  return buildMime({ ...mail, text: mail.text as string, html: mail.html as string });
}

/** Text as a receiver sees it: line ends are CRLF on the wire, whatever the source had. */
const lines = (s: string) => s.replace(/\r\n/g, '\n');

/** Text with what quoted-printable has to care about: non-ASCII, "=", spaces and tabs before line ends, long lines, dots. */
const awkwardText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.constantFrom(' ', '\t', '=', '.', '\n', '\r\n', ' \n', '\t\r\n', '=\n', 'é', '🎉', 'x'.repeat(90))), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('the MIME message of an email', () => {
  it('carries the headers, the text and the HTML part of the email', async () => {
    const parsed = await simpleParser(email({ subject: 'Willkommen – schön, dass du da bist 🎉', fromName: 'Ana from Käiros, "Shop"', text: 'Hallo Ana\n\nSchön', html: '<p>Schön</p>' }));
    expect(parsed.subject).toBe('Willkommen – schön, dass du da bist 🎉');
    expect(parsed.from?.value).toEqual([{ name: 'Ana from Käiros, "Shop"', address: 'hello@shop.example.com' }]);
    expect(parsed.replyTo?.value).toEqual([{ name: '', address: 'help@shop.example.com' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([{ name: '', address: 'ana@example.com' }]);
    expect(parsed.messageId).toBe('<a2c4e6f8-0000-4000-8000-000000000001@shop.example.com>');
    expect(parsed.date?.toISOString()).toBe('2026-05-12T12:00:00.000Z');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe('List-Unsubscribe: <https://kairos.example.com/u/abc.def>');
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(parsed.text).toBe('Hallo Ana\n\nSchön');
    expect(parsed.html).toBe('<p>Schön</p>');
  });

  it('gives any text and HTML back unchanged, in CRLF lines of at most 76 characters', async () => {
    await fc.assert(
      fc.asyncProperty(awkwardText, awkwardText, async (text, html) => {
        const raw = email({ text, html });
        const parsed = await simpleParser(raw);
        // mailparser drops the text part's trailing line breaks; the HTML comes back byte for byte.
        expect(lines(parsed.text ?? '').replace(/\n+$/, '')).toBe(lines(text).replace(/\n+$/, ''));
        expect(lines(typeof parsed.html === 'string' ? parsed.html : '')).toBe(lines(html));
        const body = raw.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n');
        expect(body).not.toMatch(/[^\r]\n|\r(?!\n)/);
        for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes "=", non-ASCII and a space before a line end, and nothing else', () => {
    expect(quotedPrintable('a=b é\nend \ntab\t').toString()).toBe('a=3Db =C3=A9\r\nend=20\r\ntab=09');
    expect(quotedPrintable('x'.repeat(80)).toString()).toBe(`${'x'.repeat(75)}=\r\n${'x'.repeat(5)}`);
    expect(quotedPrintable('x'.repeat(76)).toString()).toBe('x'.repeat(76));
  });
});

describe('boundaries and headers', () => {
  const boundaryOf = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString('latin1'))![1]!;

  it('draws a new unpredictable boundary for every message, so contact data cannot close a part and open its own', async () => {
    const first = boundaryOf(email());
    const second = boundaryOf(email());
    expect(second).not.toBe(first);
    // Nothing after the fixed prefix is shared: one email does not tell the next one's boundary.
    expect(second.slice('--_Kairos-'.length, -4)).not.toContain(first.slice('--_Kairos-'.length, '--_Kairos-'.length + 8));

    // A first name that tries the boundary of the email before it (the old scheme's next one was guessable from it).
    const injected = `Ana\n--${first}\nContent-Type: text/html\n\n<h1>Click here</h1>\n--${first}--\n`;
    const parsed = await simpleParser(email({ text: `Hi ${injected}`, html: `<p>Hi ${injected}</p>` }));
    expect(lines(parsed.text ?? '')).toBe(lines(`Hi ${injected}`));
    expect(parsed.html).toBe(`<p>Hi ${injected}</p>`);
  });

  it('always writes a Subject header, an empty one included', async () => {
    const raw = email({ subject: '' }).toString('latin1');
    expect(raw).toMatch(/^Subject: ?\r$/m);
    expect((await simpleParser(raw)).subject ?? '').toBe('');
  });
});

describe('quoted-printable lines', () => {
  it('never splits a UTF-8 character across a soft line break', () => {
    for (const text of ['é'.repeat(100), `x${'€'.repeat(60)}`, `ab${'🎉'.repeat(40)}`, `${'a'.repeat(70)}éé€🎉 done`]) {
      const encoded = quotedPrintable(text).toString('latin1');
      const decodedLines = encoded.split('\r\n').map((line) =>
        Buffer.from(line.replace(/=$/, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1'),
      );
      for (const line of decodedLines) expect(line.toString('utf8')).not.toContain('\uFFFD');
      expect(Buffer.concat(decodedLines).toString('utf8')).toBe(text);
      for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    }
  });
});
