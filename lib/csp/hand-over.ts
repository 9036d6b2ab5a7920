import { release, track, type Resource } from '../util/registry.js';

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
  wait(claim: Claim, settle: (outcome: R | Error | Failure) => void): () => void;
}

export const OPERATION = Symbol('sluice.operation');

const YIELD_EVERY = 256;
// Captured at load, so a test that fakes timers afterwards does not stall channels.
const realSetImmediate = globalThis.setImmediate;
const yieldToLoop = (fn: () => void): void => {
  if (realSetImmediate) realSetImmediate(fn);
  else setTimeout(fn, 0);
};
let untilYield = YIELD_EVERY;
let batch: (() => void)[] | undefined;

function flush(queued: (() => void)[], timer: ReturnType<typeof track>): void {
  batch = undefined;
  release(timer);
  for (const fn of queued) fn();
}

/**
 * Counts one completed channel operation and tells whether its caller may learn of it at once.
 * Promise resolutions chain as microtasks, so a ping-pong between two tasks would never let timers
 * or I/O run (js-csp #110): every YIELD_EVERY-th completion waits a turn of the event loop, and the
 * ones after it join the same batch so callers still learn of completions in the order they were
 * committed. When this returns false, the caller must pass its notification to `later`.
 */
export function completesNow(): boolean {
  if (batch !== undefined) return false;
  if (--untilYield !== 0) return true;
  untilYield = YIELD_EVERY;
  const queued: (() => void)[] = [];
  batch = queued;
  const timer = track('timer', 'channel yield to the event loop');
  yieldToLoop(() => flush(queued, timer));
  return false;
}

/** Queues a notification after `completesNow()` returned false. */
export function later(notify: () => void): void {
  (batch as (() => void)[]).push(notify);
}

/** Tells a caller its channel operation completed: at once, or in the pending batch (see `completesNow`). */
export function handOver(notify: () => void): void {
  if (completesNow()) notify();
  else later(notify);
}

/** A promise of `outcome` for an operation that completed on the call. */
export function completed<R>(outcome: R): Promise<R> {
  if (completesNow()) return Promise.resolve(outcome);
  return new Promise((resolve) => later(() => resolve(outcome)));
}

const RESOLVED: Promise<void> = Promise.resolve();

/** `completed(undefined)`, sharing one settled promise while no batch is pending. */
export function completedVoid(): Promise<void> {
  if (completesNow()) return RESOLVED;
  return new Promise((resolve) => later(resolve));
}

/**
 * A waiter in a channel's queue of senders or receivers. Waiters are linked into the queue
 * themselves, so enlisting, withdrawing and serving one allocates nothing.
 */
export interface Waiter {
  readonly claim: Claim;
  /** Links, owned by the `WaiterQueue` the waiter is in. */
  prev: Waiter | undefined;
  next: Waiter | undefined;
  queued: boolean;
  /** Its ledger entry while queued, so a test clock can name what waits in a deadlock. */
  entry?: Resource | undefined;
}

/** First-in, first-out waiters; withdrawing one is O(1) and harmless once it has left. */
export class WaiterQueue<W extends Waiter> {
  #head: W | undefined = undefined;
  #tail: W | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(waiter: W): void {
    waiter.queued = true;
    waiter.next = undefined;
    waiter.prev = this.#tail;
    if (this.#tail) this.#tail.next = waiter;
    else this.#head = waiter;
    this.#tail = waiter;
    this.#size++;
    // Set only inside a leak scope, so outside tests a waiter keeps its shape.
    const entry = track('wait', 'deliver' in waiter ? 'a receive from a channel' : 'a send to a channel');
    if (entry) waiter.entry = entry;
  }

  remove(waiter: W): void {
    if (!waiter.queued) return;
    waiter.queued = false;
    const { prev, next } = waiter;
    if (prev) prev.next = next;
    else this.#head = next as W | undefined;
    if (next) next.prev = prev;
    else this.#tail = prev as W | undefined;
    waiter.prev = waiter.next = undefined;
    this.#size--;
    if (waiter.entry) {
      release(waiter.entry);
      waiter.entry = undefined;
    }
  }

  /** The first waiter not yet claimed by another case of its `select`, claimed and removed. */
  take(): W | undefined {
    for (let waiter = this.#head; waiter; waiter = this.#head) {
      this.remove(waiter);
      if (!waiter.claim.claimed) {
        waiter.claim.claimed = true;
        return waiter;
      }
    }
    return undefined;
  }
}

/** A receiving waiter: a channel calls `deliver` with the value it takes, or `finish` on close. */
export interface Receiver<T> extends Waiter {
  deliver(value: T): void;
  /** The channel is closed and drained; `failure` is the error it was closed with, if any. */
  finish(failure?: Failure): void;
}

/** The error a channel was closed with, as a select case settles with it (any value may be thrown). */
export class Failure {
  constructor(readonly error: unknown) {}
}

/** What a channel's receive gives when no value is ready now. */
export const EMPTY: unique symbol = Symbol('sluice.empty');
/** What a channel's receive gives once it is closed and drained. */
export const CLOSED: unique symbol = Symbol('sluice.closed');

/** What a channel offers its iterator: take a value now, or enlist and withdraw waiters. */
export interface ReceivePort<T> {
  receiveNow(): T | typeof EMPTY | typeof CLOSED;
  /** What the channel was closed with, once `receiveNow` says CLOSED. */
  failure(): Failure | undefined;
  enlist(waiter: Receiver<T>): void;
  withdraw(waiter: Receiver<T>): void;
  /** A value taken and not handed over (its reader stopped meanwhile) goes back in front. */
  giveBack(value: T): void;
}
