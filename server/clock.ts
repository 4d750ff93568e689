// Time is injected: the server uses the system clock, tests and the simulator pass their own.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved, for tests that run weeks of journey time in milliseconds. */
export function fixedClock(start: Date | string): Clock & { set(t: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (t) => (current = new Date(t)),
    advance: (ms) => (current = new Date(current.getTime() + ms)),
  };
}
