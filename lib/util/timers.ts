import { release, track, type Resource } from './registry.js';

/** A timer set through `setTimer`: what `clearTimer` takes. */
export interface Timer {
  readonly handle: ReturnType<typeof setTimeout>;
  readonly resource: Resource | undefined;
}

/**
 * Every timer sluice's newer code sets goes through here, so the ledger sees each one until it
 * fires or is cleared, and one place can be swapped for a virtual clock later. `fn` runs after the
 * timer has left the ledger, so it may set the next one.
 */
export function setTimer(fn: () => void, ms: number, label: string): Timer {
  const resource = track('timer', label);
  const handle = setTimeout(() => {
    release(resource);
    fn();
  }, ms);
  return { handle, resource };
}

/** Clears a timer set by `setTimer`; harmless for `undefined` or one that has fired. */
export function clearTimer(timer: Timer | undefined): void {
  if (timer === undefined) return;
  clearTimeout(timer.handle);
  release(timer.resource);
}

/** The clock every limiter and timed stage reads, in milliseconds. */
export function now(): number {
  return performance.now();
}
