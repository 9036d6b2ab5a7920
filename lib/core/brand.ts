/**
 * What marks sluice's own iterators, and the fast path between them. An iterator (or an iterable
 * whose iterators) carrying `OWN` keeps the whole protocol: its `return()` answers a pending
 * `next()` at once and waits only for callbacks, never for a source stuck in an `await`. So a stage
 * may wait for its `return()`, where a foreign source must be ready to be abandoned.
 */
export const OWN = Symbol('sluice.own');

/**
 * `next()` without the promise, offered by sluice's own outlets. The reader passes its handlers;
 * a value ready now is returned as it is (and no handler is called), `ENDED` if the iteration is
 * over; otherwise `PENDING` is returned and exactly one handler is called later, or at once for an
 * error. It saves a promise, a microtask and a result object per item between sluice's stages, and
 * a reader can take a run of ready values in a loop.
 */
export const REQUEST = Symbol('sluice.request');

/** What `[REQUEST]` answers when no value is ready: a handler will be called. */
export const PENDING: unique symbol = Symbol('sluice.pending');
/** What `[REQUEST]` answers when the iteration is over. */
export const ENDED: unique symbol = Symbol('sluice.ended');

export type Resolve<T> = (result: IteratorResult<T>) => void;
export type Reject = (error: unknown) => void;

export interface Requestable<T> {
  [REQUEST](resolve: Resolve<T>, reject: Reject): T | typeof PENDING | typeof ENDED;
}

/**
 * An abort-aware `return()` of sluice's own outlets: the reading stage was aborted, so the outlet's
 * owner stops as an abort would (letting go of stuck or slow sources at once) instead of as a
 * `return()` (which awaits an idle source's `return()`).
 */
export const HALT = Symbol('sluice.halt');

/** The one `{ done: true }` result every iterator of sluice's answers with. */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export function isOwn(value: unknown): boolean {
  return value !== null && value !== undefined && (value as { [OWN]?: boolean })[OWN] === true;
}

/**
 * A source sluice writes itself (an async generator that honours `signal`): it is handed the
 * reading stage's signal when iteration starts, and marked so that stage may wait for it.
 */
export function ownSource<T>(open: (signal: AbortSignal) => AsyncIterator<T>): AsyncIterable<T> {
  return {
    [OWN]: true,
    // Iterated outside a pipeline, it gets a signal that never aborts: return() still ends it.
    [Symbol.asyncIterator]: (signal?: AbortSignal) => open(signal ?? new AbortController().signal),
  } as AsyncIterable<T>;
}

/** Marks a `Meter` (`Symbol.for`: a meter of the CJS build is one for the ESM build too). */
export const METER: unique symbol = Symbol.for('sluice.meter') as never;
