import { release, track, type Resource } from './registry.js';

/** A timer set through `setTimer`: what `clearTimer` takes. */
export interface Timer {
  readonly handle: unknown;
  readonly resource: Resource | undefined;
  /** The source that set it, which clears it even if another was installed since. */
  readonly time: TimeSource;
}

/**
 * Where sluice's timers and time come from: the real ones, or a test clock (`useTestClock` in
 * `sluice/testing`) that swaps itself in. It lives on `globalThis` under a registered symbol so
 * the ESM and CJS builds, loaded side by side, share one.
 */
export interface TimeSource {
  set(fn: () => void, ms: number, label: string): unknown;
  clear(handle: unknown): void;
  now(): number;
}

const KEY = Symbol.for('sluice.clock');

// Looked up at each call, so jest's fake timers still drive sluice when no test clock is installed.
const REAL: TimeSource = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

function source(): TimeSource {
  return (globalThis as { [KEY]?: TimeSource })[KEY] ?? REAL;
}

/** Installs `time` as the source of every sluice timer; returns its removal. */
export function installTimeSource(time: TimeSource): () => void {
  const holder = globalThis as { [KEY]?: TimeSource };
  const previous = holder[KEY];
  holder[KEY] = time;
  return () => {
    if (holder[KEY] === time) holder[KEY] = previous;
  };
}

/**
 * Every timer sluice sets goes through here, so the ledger sees each one until it fires or is
 * cleared, and a test clock can take them over. `fn` runs after the timer has left the ledger,
 * so it may set the next one.
 */
export function setTimer(fn: () => void, ms: number, label: string): Timer {
  const resource = track('timer', label);
  const time = source();
  const handle = time.set(
    () => {
      release(resource);
      fn();
    },
    ms,
    label,
  );
  return { handle, resource, time };
}

/** Clears a timer set by `setTimer`; harmless for `undefined` or one that has fired. */
export function clearTimer(timer: Timer | undefined): void {
  if (timer === undefined) return;
  timer.time.clear(timer.handle);
  release(timer.resource);
}

/** The clock every limiter and timed stage reads, in milliseconds. */
export function now(): number {
  return source().now();
}
