// Signed links: tokens that cannot be forged, tampered with or reused for another purpose; tracking that keeps every target.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTracking, createLinks, decodeAttribute } from '../../server/mail/links.ts';
import { createTokens } from '../../server/mail/tokens.ts';

const tokens = createTokens('a-test-secret-that-is-long-enough-0123456789');
const links = createLinks('https://kairos.example.com', tokens);

describe('tokens', () => {
  it('round-trips a payload', () => {
    const token = tokens.sign('click', { m: 'msg-1', u: 'https://shop.example.com/a?b=1' });
    expect(tokens.verify('click', token)).toEqual({ m: 'msg-1', u: 'https://shop.example.com/a?b=1' });
  });

  it('refuses a token signed with another secret, or for another purpose', () => {
    const token = tokens.sign('unsubscribe', { c: 'contact-1' });
    expect(createTokens('another-secret-that-is-long-enough-012345').verify('unsubscribe', token)).toBeNull();
    expect(tokens.verify('confirm', token)).toBeNull();
  });

  it('refuses a token whose payload was swapped for another', () => {
    const good = tokens.sign('click', { m: 'msg-1', u: 'https://shop.example.com/' });
    const forgedBody = Buffer.from(JSON.stringify({ m: 'msg-1', u: 'https://evil.example.net/' })).toString('base64url');
    expect(tokens.verify('click', `${forgedBody}.${good.split('.')[1]}`)).toBeNull();
  });

  it('refuses every single-character change', () => {
    const token = tokens.sign('unsubscribe', { c: '0195f2c4-7b1e-7000-8000-000000000001' });
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'), (index, char) => {
        fc.pre(token[index] !== char);
        const changed = token.slice(0, index) + char + token.slice(index + 1);
        const result = tokens.verify('unsubscribe', changed);
        // A change in the last base64url character's padding bits can decode to the same bytes: same payload then.
        expect(result === null || JSON.stringify(result) === JSON.stringify({ c: '0195f2c4-7b1e-7000-8000-000000000001' })).toBe(true);
      }),
    );
  });

  it('refuses garbage', () => {
    for (const junk of ['', '.', 'abc', 'abc.def', `${'a'.repeat(9000)}.x`]) expect(tokens.verify('open', junk)).toBeNull();
  });
});

describe('tracking', () => {
  it('wraps http(s) links in signed click links to the exact original target, and leaves others alone', () => {
    const html = `<html><body><a href="https://shop.example.com/p?a=1&amp;b=2" class="x">Shop</a> <a href='http://blog.example.com/'>Blog</a>
<a href="mailto:help@example.com">Mail</a> <a href="#top">Top</a> <a href="${links.unsubscribeUrl('c1')}">Unsubscribe</a></body></html>`;
    const tracked = addTracking(html, 'msg-9', links);
    const hrefs = [...tracked.matchAll(/href=["']([^"']+)["']/g)].map((m) => decodeAttribute(m[1]!));
    const clicks = hrefs.filter((h) => h.startsWith('https://kairos.example.com/c/'));
    expect(clicks.map((h) => tokens.verify('click', h.slice('https://kairos.example.com/c/'.length)))).toEqual([
      { m: 'msg-9', u: 'https://shop.example.com/p?a=1&b=2' },
      { m: 'msg-9', u: 'http://blog.example.com/' },
    ]);
    expect(hrefs).toContain('mailto:help@example.com');
    expect(hrefs).toContain('#top');
    expect(hrefs).toContain(links.unsubscribeUrl('c1'));
    expect(tracked).toMatch(/<img src="https:\/\/kairos\.example\.com\/o\/[^"]+\.gif" width="1" height="1" alt=""[^>]*\/><\/body>/);
  });
});
