import { onAbort } from './abort.js';
import { release, track } from './registry.js';
import { assertOptions, assertSignal } from './validate.js';
import type { SignalOptions } from '../types.js';

/**
 * Shared by every waiter one `send`, `receive` or `select` enlists: the first channel to fire sets
 * `claimed`, and every other channel skips (and the caller withdraws) the rest. This is the commit
 * that lets a `select` case that did not win consume nothing.
 */
export interface Claim {
  claimed: boolean;
}

/** What a channel operation offers `select`: check, commit now, or wait under a claim. */
export interface Operation<R> {
  /** Whether `poll()` would complete now; commits nothing. */
  ready(): boolean;
  /** Completes at once if it can, else `undefined`; throws `ChannelClosedError` for misuse. */
  poll(): R | undefined;
  /** Enlists a waiter; `settle` runs synchronously when a channel commits to it. Returns its withdrawal. */
  wait(claim: Claim, settle: (outcome: R | Error) => void): () => void;
}

export const OPERATION = Symbol('sluice.operation');

const YIELD_EVERY = 256;
// Captured at load, so a test that fakes timers afterwards does not stall channels.
const realSetImmediate = globalThis.setImmediate;
const yieldToLoop = (fn: () => void): void => {
  if (realSetImmediate) realSetImmediate(fn);
  else setTimeout(fn, 0);
};
let completed = 0;
let batch: (() => void)[] | undefined;

/**
 * Tells a caller its channel operation completed. Promise resolutions chain as microtasks, so a
 * ping-pong between two tasks would never let timers or I/O run (js-csp #110): every
 * YIELD_EVERY-th completion waits a turn of the event loop, and the ones after it join the same
 * batch so callers still learn of completions in the order they were committed.
 */
export function handOver(notify: () => void): void {
  if (batch) {
    batch.push(notify);
    return;
  }
  if (++completed % YIELD_EVERY !== 0) return notify();
  const queued = (batch = [notify]);
  const timer = track('timer', 'channel yield to the event loop');
  yieldToLoop(() => {
    batch = undefined;
    release(timer);
    for (const fn of queued) fn();
  });
}

/** Runs one channel operation to completion: at once if ready, else waiting under `signal`. */
export function wait<R>(op: Operation<R>, options: SignalOptions): Promise<R> {
  assertOptions('options', options);
  const { signal } = options;
  assertSignal('signal', signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  let now: R | undefined;
  try {
    now = op.poll();
  } catch (error) {
    return Promise.reject(error);
  }
  if (now !== undefined) {
    const outcome = now;
    return new Promise((resolve) => handOver(() => resolve(outcome)));
  }
  return new Promise<R>((resolve, reject) => {
    const claim: Claim = { claimed: false };
    let removeListener: (() => void) | undefined;
    const withdraw = op.wait(claim, (outcome) => {
      removeListener?.();
      handOver(() => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
    });
    if (signal) {
      removeListener = onAbort(
        signal,
        () => {
          claim.claimed = true;
          withdraw();
          reject(signal.reason);
        },
        'channel wait',
      );
    }
  });
}
