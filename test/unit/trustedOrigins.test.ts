// Which browser origins better-auth accepts: PUBLIC_URL and the loopback spellings of the port.
import { describe, expect, it } from 'vitest';
import { trustedOrigins } from '../../server/auth/auth.ts';

describe('trustedOrigins', () => {
  it('trusts the origin of PUBLIC_URL and every loopback spelling of the port', () => {
    expect(trustedOrigins('https://kairos.example.com/app', 3000).sort()).toEqual(
      ['https://kairos.example.com', 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'].sort(),
    );
  });

  it('lists the default PUBLIC_URL once', () => {
    const origins = trustedOrigins('http://localhost:8080', 8080);
    expect(origins.filter((o) => o === 'http://localhost:8080')).toHaveLength(1);
    expect(origins).toContain('http://127.0.0.1:8080');
  });
});
