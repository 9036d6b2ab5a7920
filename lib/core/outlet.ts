import { recording, release, track, type Resource } from '../util/registry.js';
import {
  DONE,
  ENDED,
  HALT,
  OWN,
  PENDING,
  REQUEST,
  type Reject,
  type Requestable,
  type Resolve,
} from './brand.js';
import { reasonOf, type Outcome } from './outcome.js';
import { NextReader } from './next-reader.js';
import { ReaderQueue } from './reader-queue.js';
import type { OutletOwner, OutletWatcher } from './outlet-owner.js';

export type { OutletOwner, OutletWatcher };

const NONE = 0;
const CAPTURING = 1; // a [REQUEST] asked the owner: a value pushed now is returned, not handed over
const CAPTURED = 2;

/**
 * The reading side of every edge sluice returns: an async iterator keeping the whole protocol, so an
 * engine only calls `push(value)` while `waiting`, and `end(outcome)` once its cleanup is done:
 * - queued `next()` calls, answered in order (the oldest in fields, overlapping ones in a queue);
 * - `[REQUEST]` for sluice's own readers, and `consume(sink)` for the sinks: no promise per item;
 * - `return()` that never waits on a pending `next()`: it asks the owner to stop at once;
 * - the delivery rule: an abort rejects every waiter with the signal's own reason; an error goes
 *   to the first waiter, the others get `done`; with nobody waiting, it is kept for the next `next()`.
 */
export class Outlet<T> extends ReaderQueue<T> implements AsyncIterableIterator<T>, Requestable<T> {
  declare readonly [OWN]: true;
  private sink: ((value: T) => void) | undefined;
  /** The handlers of `next()`, made on the first one (the sinks never call it). */
  private reader: NextReader<T> | undefined = undefined;
  private pushing = false;
  private capture = NONE;
  private captured: T | undefined;
  /** Every read is answered `done` from now on (after an error kept for the next read). */
  ended = false;
  private stopping: Promise<void> | undefined;
  private undelivered: { error: unknown } | undefined;
  private returnFailure: { error: unknown } | undefined;
  private resource: Resource | undefined;
  private opened = false;
  builtAt: string | undefined; // where the user built it, when known: a leak report points there
  /** Told of the first read and of the end, before any reader is answered (see `direct.ts`). */
  watcher: OutletWatcher | undefined = undefined;
  /** An owner's values ready with no work (a channel's buffer), taken by an open outlet's lone read. */
  poll: (() => T | typeof PENDING) | undefined = undefined;

  /** `tracked`: in the ledger from the first read to the end (a channel's iterator holds nothing open). */
  constructor(
    readonly owner: OutletOwner,
    public label: string, // how the ledger names it, in the user's words
    private readonly tracked = true,
  ) {
    super();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.ended) return this.afterEnd();
    const polled = this.poll === undefined ? PENDING : this.polled();
    if (polled !== PENDING) return Promise.resolve({ done: false, value: polled });
    const reader = (this.reader ??= new NextReader(this));
    if (this.pushing || this.headResolve !== undefined || !reader.worthTrying) {
      const alone = this.headResolve === undefined;
      const promise = new Promise<IteratorResult<T>>(reader.enqueue);
      if (this.pushing) return promise;
      this.wake();
      // Answered during the wake: the owner has values ready, so the stand-ins are worth it again.
      if (alone && this.headResolve === undefined) reader.worthTrying = true;
      return promise;
    }
    // Nobody ahead: what the owner has ready now is answered as a settled promise (next-reader.ts).
    const ready = this[REQUEST](reader.resolveNow, reader.rejectNow);
    if (ready !== PENDING) return Promise.resolve(ready === ENDED ? DONE : { done: false, value: ready });
    return reader.answered() ?? new Promise(reader.replace);
  }

  [REQUEST](resolve: Resolve<T>, reject: Reject): T | typeof PENDING | typeof ENDED {
    if (this.ended) {
      const pending = this.undelivered;
      if (pending === undefined) return ENDED;
      this.undelivered = undefined;
      reject(pending.error);
      return PENDING;
    }
    const polled = this.poll === undefined ? PENDING : this.polled();
    if (polled !== PENDING) return polled;
    this.enqueue(resolve, reject);
    if (this.pushing || this.crowded) return PENDING;
    // Nobody ahead: a value the owner has ready now comes back as the return value.
    this.capture = CAPTURING;
    this.wake();
    const captured = this.capture === CAPTURED;
    this.capture = NONE;
    if (!captured) return PENDING;
    const value = this.captured as T;
    this.captured = undefined;
    return value;
  }

  /** The sinks' fast path: each value to `sink`, no `next()` per value; settles as a last `next()`. */
  consume(sink: (value: T) => void): Promise<void> {
    if (this.headResolve !== undefined || this.opened || this.ended)
      return Promise.reject(new TypeError('consume() needs an unread iterator'));
    return new Promise<void>((resolve, reject) => {
      this.sink = sink;
      this.headResolve = () => resolve();
      this.headReject = reject;
      this.wake();
    });
  }

  /** Hands `value` to the oldest waiting reader; true if a reader still waits afterwards. */
  push(value: T): boolean {
    if (this.capture === CAPTURING) {
      this.capture = CAPTURED;
      this.captured = value;
      this.shiftHead();
      return false;
    }
    this.pushing = true;
    try {
      if (this.sink !== undefined) this.sink(value);
      else {
        const resolve = this.headResolve!;
        this.shiftHead();
        resolve({ done: false, value });
      }
    } finally {
      this.pushing = false;
    }
    return this.headResolve !== undefined;
  }

  /**
   * Ends the outlet once, after the owner's cleanup. `closeError`, what the owner's source threw from
   * its `return()`, fails an outlet ending normally, rejects a `return()`, and masks nothing earlier.
   */
  end(outcome: Outcome, closeError?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true; // a value captured already is still the request's answer (`[REQUEST]`)
    this.sink = undefined;
    release(this.resource);
    this.watcher?.ended(outcome, closeError);
    if (closeError !== undefined) {
      if (outcome.kind === 'end') outcome = { kind: 'error', error: closeError.error };
      else if (outcome.kind === 'return') this.returnFailure = closeError;
    }
    const abort = outcome.kind === 'abort';
    const fails = abort || outcome.kind === 'error';
    const failure = fails ? reasonOf(outcome) : undefined;
    let told = false;
    for (let reject = this.headReject; reject !== undefined; reject = this.headReject) {
      const resolve = this.headResolve!;
      this.shiftHead();
      // Every waiter of an abort sees the reason; an error is told once, as an async generator would.
      if (fails && (abort || !told)) reject(failure);
      else resolve(DONE);
      told = true;
    }
    if (fails && !told) this.undelivered = { error: failure };
  }

  /** Whether a `return()` now would reject with what a source's `return()` threw. */
  get hasReturnFailure(): boolean {
    return this.returnFailure !== undefined;
  }

  /** The reading stage was aborted: its owner stops as an abort would (see `HALT`). */
  [HALT](reason: unknown): Promise<void> {
    return this.stopOnce({ reason }).then(() => void (this.returnFailure = undefined));
  }

  return(): Promise<IteratorResult<T>> {
    return this.stopOnce(undefined).then(() => {
      const failure = this.returnFailure;
      this.returnFailure = undefined;
      if (failure !== undefined) throw failure.error;
      return DONE;
    });
  }

  /** Ended by a stop that was not this one (its reader's signal), it still tells what `return()` threw. */
  private stopOnce(abort: { reason: unknown } | undefined): Promise<void> {
    this.undelivered = undefined;
    this.stopping ??= this.ended ? Promise.resolve() : this.owner.stop(abort);
    return this.stopping;
  }

  private polled(): T | typeof PENDING {
    return this.opened && this.headResolve === undefined && !this.pushing ? this.poll!() : PENDING;
  }

  private wake(): void {
    if (!this.opened) {
      this.opened = true;
      this.watcher?.opened();
      if (this.tracked && recording())
        this.resource = track('stage', this.label, { waiting: () => this.waiting, stack: this.builtAt });
    }
    this.owner.demand();
  }

  private afterEnd(): Promise<IteratorResult<T>> {
    const pending = this.undelivered;
    return pending ? ((this.undelivered = undefined), Promise.reject(pending.error)) : Promise.resolve(DONE);
  }
}

Object.defineProperty(Outlet.prototype, OWN, { value: true });
