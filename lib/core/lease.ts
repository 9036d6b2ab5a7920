import type { CallbackContext } from './types.js';

/**
 * What lets `pipe` carry acknowledgements (`ack: 'auto'`): a source marked `LEASED` also opens, by
 * this key, an iterator of `Carried` values, each with the lease of the message it came from. Only
 * pipelines over such a source pay for leases; every other pipeline never sees this file's types.
 */
export const LEASED = Symbol('sluice.leased');

/**
 * A hold on one broker message (or, for a batch, on several). A message is acknowledged when its
 * last hold is released, and negatively acknowledged when processing any value derived from it
 * failed: a failed lease acknowledges nothing afterwards.
 */
export interface Lease {
  /** The message's metadata, for callbacks' `context.message` (undefined for a batch's lease). */
  readonly message: unknown;
  /** Another value now derives from the message (flatMap, tee): one more `release` is needed. */
  retain(): void;
  /** One derived value is done with. */
  release(): void;
  /** Processing failed: nak the message (once). */
  fail(): void;
}

/** A value and the lease it travels with, inside a pipeline that carries leases. */
export interface Carried<T> {
  readonly value: T;
  readonly lease: Lease;
}

/** An `AsyncIterable` that can also yield its values with their leases (see `LEASED`). */
export interface LeaseSource<T> extends AsyncIterable<T> {
  /**
   * Opens the values with their leases: what `pipe` reads, so its stages can carry them. `drain`
   * (a `takeUntil` signal right after the source) stops reading and ends once what was read is out.
   * `over` aborts when the whole pipeline has ended: given it, a stop of the reading stage that is
   * not an abort (a `take` satisfied) only stops the reads, and what the stages below still hold
   * is theirs to finish; whatever is unsettled once `over` aborts was not done.
   */
  [LEASED](signal?: AbortSignal, drain?: AbortSignal, over?: AbortSignal): AsyncIterator<Carried<T>>;
}

export function isLeaseSource(value: unknown): value is LeaseSource<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<LeaseSource<unknown>>)[LEASED] === 'function'
  );
}

/** A lease that holds nothing: a value with no message behind it (a scan's seed). */
export const NO_LEASE: Lease = Object.freeze({
  message: undefined,
  retain() {},
  release() {},
  fail() {},
});

/** The leases of a batch's items, released together when the batch is done. */
export class BatchLease implements Lease {
  readonly message = undefined;

  constructor(readonly leases: readonly Lease[]) {}

  retain(): void {
    for (const lease of this.leases) lease.retain();
  }

  release(): void {
    for (const lease of this.leases) lease.release();
  }

  fail(): void {
    for (const lease of this.leases) lease.fail();
  }
}

/** The messages behind a lease, for a batch callback's `context.messages`. */
function messagesOf(lease: Lease): unknown[] {
  return lease instanceof BatchLease ? lease.leases.flatMap(messagesOf) : [lease.message];
}

/** A callback's context with the message its value came from (`context.message`, `context.messages`). */
export function withMessage(context: CallbackContext, lease: Lease): CallbackContext {
  return {
    get signal() {
      return context.signal;
    },
    index: context.index,
    message: lease.message,
    get messages() {
      return messagesOf(lease);
    },
  } as CallbackContext;
}

/**
 * Calls `fn` on a carried value: a throw or rejection fails the value's lease (a nak) before it
 * fails the stage, so the message is given back even though the pipeline ends.
 */
export function callLeased<T, R>(
  fn: (value: T, context: CallbackContext) => R | PromiseLike<R>,
  carried: Carried<T>,
  context: CallbackContext,
  then: (out: R) => unknown,
): unknown {
  let out: R | PromiseLike<R>;
  try {
    out = fn(carried.value, withMessage(context, carried.lease));
  } catch (error) {
    carried.lease.fail();
    throw error;
  }
  if (out === null || typeof (out as PromiseLike<R>)?.then !== 'function') return then(out as R);
  return Promise.resolve(out).then(then, (error: unknown) => {
    carried.lease.fail();
    throw error;
  });
}
