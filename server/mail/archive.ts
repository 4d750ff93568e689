// The copy of each sent email kept on its message row: HTML raw-deflated (it compresses about six times), text as is.
import { deflateRaw, inflateRawSync } from 'node:zlib';

/**
 * Level 1: most of the size gain for a fraction of the time of the default level. Asynchronous, so the
 * compression runs on libuv's thread pool instead of the delivery loop's thread.
 */
export function deflateHtml(html: string): Promise<Buffer> {
  return new Promise((resolve, reject) => deflateRaw(html, { level: 1 }, (error, result) => (error ? reject(error) : resolve(result))));
}

export function inflateHtml(stored: Buffer | Uint8Array | null): string | null {
  return stored ? inflateRawSync(stored).toString('utf8') : null;
}
