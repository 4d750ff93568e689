// Signed tokens for the links in emails (unsubscribe, preferences, confirm, open, click): HMAC-SHA256 with SECRET, one key per purpose.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'unsubscribe' | 'confirm' | 'open' | 'click';

export interface TokenPayloads {
  /**
   * c: contact id (a random UUID, not guessable). Unsubscribe links work for as long as the mail exists.
   * m: the message the link was sent in, so an unsubscribe counts toward its template; links signed before it was
   * added have none and still work.
   */
  unsubscribe: { c: string; m?: string };
  /** i: issued at (ms); a confirmation link expires, and only confirms a contact that is still pending. */
  confirm: { c: string; i: number };
  /** m: message id. */
  open: { m: string };
  /** m: message id, u: the original target, which the redirect never changes. */
  click: { m: string; u: string };
}

const MAC_BYTES = 16;

export interface Tokens {
  sign<P extends TokenPurpose>(purpose: P, payload: TokenPayloads[P]): string;
  /** The payload, or null for a token that was not signed by us for this purpose (tampered, truncated, other purpose). */
  verify<P extends TokenPurpose>(purpose: P, token: string): TokenPayloads[P] | null;
}

export function createTokens(secret: string): Tokens {
  // A key per purpose: a click token can never be replayed as an unsubscribe token.
  const keys = new Map<TokenPurpose, Buffer>();
  const keyFor = (purpose: TokenPurpose) => {
    let key = keys.get(purpose);
    if (!key) {
      key = createHmac('sha256', secret).update(`kairos-mail-token:${purpose}`).digest();
      keys.set(purpose, key);
    }
    return key;
  };
  const mac = (purpose: TokenPurpose, body: string) => createHmac('sha256', keyFor(purpose)).update(body).digest().subarray(0, MAC_BYTES);

  return {
    sign(purpose, payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(purpose, body).toString('base64url')}`;
    },
    verify(purpose, token) {
      const dot = token.indexOf('.');
      if (dot <= 0 || token.length > 8192) return null;
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = mac(purpose, body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        return payload && typeof payload === 'object' ? (payload as never) : null;
      } catch {
        return null;
      }
    },
  };
}
