// The copy of each sent email kept on its message row: HTML raw-deflated (it compresses about six times), text as is.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Level 1: most of the size gain for a fraction of the time of the default level. Synchronous on purpose:
 * the asynchronous API sets up a zlib stream per call and cost the loop more than compressing does.
 */
export function deflateHtml(html: string): Buffer {
  return deflateRawSync(html, { level: 1 });
}

export function inflateHtml(stored: Buffer | Uint8Array | null): string | null {
  return stored ? inflateRawSync(stored).toString('utf8') : null;
}
