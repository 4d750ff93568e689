// A fixed-window rate limiter in memory, on the injected clock: enough for a public form on one process.
import type { Clock } from '../clock.ts';

export interface RateLimiter {
  /** Counts a hit; null when allowed, else the seconds until the window reopens. */
  hit(key: string): number | null;
}

export function createRateLimiter(clock: Clock, limit: number, windowMs: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key) {
      const now = clock.now().getTime();
      // Forget finished windows now and then, so the map does not grow with every address ever seen.
      if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
      const w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        windows.set(key, { start: now, count: 1 });
        return null;
      }
      w.count += 1;
      return w.count > limit ? Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) : null;
    },
  };
}
