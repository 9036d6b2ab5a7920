import { consumerStopped, onAbort } from '../util/abort.js';
import { REQUEST, TRY_NEXT, type Requestable, type TryNext } from './cooperative.js';
import { isThenable } from '../util/deferred.js';
import { abandon, DONE } from './iterators.js';
import { FILTER, MAP, TAKE, type Op } from './ops.js';
import { release, track, type Resource } from '../util/registry.js';

const IDLE = 0; // waiting for demand
const PULLING = 1; // an upstream next() is in flight
const CALLING = 2; // a fused callback's promise is in flight
const CLOSING = 3; // cleanup under way
const CLOSED = 4;

type Outcome =
  | { kind: 'end' }
  | { kind: 'return' }
  | { kind: 'abort'; reason: unknown }
  | { kind: 'error'; error: unknown };

const END: Outcome = { kind: 'end' };
/** How many values may be handed over synchronously in a row before a promise breaks the chain. */
const MAX_SYNC_DEPTH = 64;
const RETURNED: Outcome = { kind: 'return' };

export interface SegmentOptions {
  /** Fused synchronous-capable stages applied to every upstream value, in order. */
  ops: readonly Op[];
  /** Given to callbacks and to the upstream's `[Symbol.asyncIterator](signal)`. */
  signal: AbortSignal;
  /** Signals whose abort stops this segment; one listener on each. */
  stopSignals: readonly AbortSignal[];
  /** A controller this segment owns: aborted when the segment ends, whatever ends it. */
  owned?: AbortController;
  /**
   * The upstream is sluice's own and settles a pending next() promptly once `signal` aborts, so
   * cleanup may wait for it. A foreign upstream may be stuck forever: it is abandoned instead.
   */
  cooperative: boolean;
  label: string;
}

/**
 * The edge of a pipeline segment: one async iterator that pulls a foreign or sluice upstream,
 * runs the fused ops on each value and keeps the whole contract for whoever reads it — queued
 * next() calls, a return() that does not wait on a pending next(), an abort that rejects with the
 * signal's own reason without waiting on a stuck upstream, and cleanup before any of them settles.
 */
export class Segment<T> implements AsyncIterableIterator<T>, Requestable<T> {
  private readonly ops: readonly Op[];
  private readonly counters: number[];
  private iterator: AsyncIterator<unknown> | undefined;
  private phase = IDLE;
  private opened = false;
  private upstreamEnded = false;
  private takeReached: boolean;
  /** Whether the upstream is one of sluice's iterators that can hand over a ready value at once. */
  private hasTryNext = false;
  /** Whether the upstream takes handlers for its next value instead of returning a promise. */
  private requestable = false;
  /** How deep the current chain of synchronously ready values runs. */
  private syncDepth = 0;
  /** The value an async filter or tap is deciding on. */
  private held: unknown;
  private resumeAt = 0;
  /** Waiting next() calls, oldest first: usually one, more when a reader overlaps its calls. */
  private headResolve: ((result: IteratorResult<T>) => void) | undefined;
  private headReject: ((reason: unknown) => void) | undefined;
  /** Calls behind the oldest one: only when a reader overlaps its next() calls. */
  private readonly resolvers: ((result: IteratorResult<T>) => void)[] = [];
  private readonly rejecters: ((reason: unknown) => void)[] = [];
  private removeListeners: (() => void)[] = [];
  private resource: Resource | undefined;
  /** Called when the pull or callback that cleanup waits for has settled. */
  private resumeClose: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  /** Where `consume()` sends values; unset while read through next(). */
  private sink: ((value: T) => void) | undefined;
  /** An error to hand to the next request, when none was waiting as the segment failed. */
  private undelivered: { error: unknown } | undefined;
  /** An error from the upstream's return() when the consumer's own return() closed the segment. */
  private returnFailure: { error: unknown } | undefined;

  constructor(
    private readonly upstream: AsyncIterable<unknown>,
    private readonly options: SegmentOptions,
  ) {
    this.ops = options.ops;
    this.counters = options.ops.map(() => 0);
    this.takeReached = options.ops.some((op) => op.kind === TAKE && op.count === 0);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [REQUEST](resolve: (result: IteratorResult<T>) => void, reject: (error: unknown) => void): void {
    if (this.phase === CLOSED) {
      const pending = this.undelivered;
      this.undelivered = undefined;
      return pending ? reject(pending.error) : resolve(DONE);
    }
    this.enqueue(resolve, reject);
    if (this.phase === IDLE) this.demand();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.phase === CLOSED) return this.afterDone();
    const promise = new Promise<IteratorResult<T>>(this.enqueue);
    if (this.phase === IDLE) this.demand();
    return promise;
  }

  /**
   * Reads to the end, handing each value to `sink` instead of answering a next() per value: the
   * sinks' fast path, one upstream promise per item. Cleanup, errors and abort are those of next().
   */
  consume(sink: (value: T) => void): Promise<void> {
    if (this.phase !== IDLE || this.opened)
      return Promise.reject(new TypeError('consume() needs an unread segment'));
    return new Promise<void>((resolve, reject) => {
      this.sink = sink;
      this.headResolve = () => resolve();
      this.headReject = reject;
      this.demand();
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.undelivered = undefined;
    if (this.phase === CLOSED) return Promise.resolve(DONE);
    return this.close(RETURNED).then(() => {
      const failure = this.returnFailure;
      this.returnFailure = this.undelivered = undefined;
      if (failure) throw failure.error;
      return DONE;
    });
  }

  private readonly enqueue = (
    resolve: (result: IteratorResult<T>) => void,
    reject: (reason: unknown) => void,
  ): void => {
    if (this.headResolve === undefined) {
      this.headResolve = resolve;
      this.headReject = reject;
    } else {
      this.resolvers.push(resolve);
      this.rejecters.push(reject);
    }
  };

  private afterDone(): Promise<IteratorResult<T>> {
    const pending = this.undelivered;
    this.undelivered = undefined;
    return pending ? Promise.reject(pending.error) : Promise.resolve(DONE);
  }

  private demand(): void {
    if (!this.opened && !this.open()) return;
    if (this.takeReached) void this.close(END);
    else this.pull();
  }

  /** Opens the upstream on first demand; false when that first demand already ended the segment. */
  private open(): boolean {
    this.opened = true;
    for (const signal of this.options.stopSignals) {
      if (signal.aborted) {
        void this.close({ kind: 'abort', reason: signal.reason });
        return false;
      }
    }
    if (this.takeReached) return true;
    this.resource = track('stage', this.options.label);
    for (const signal of this.options.stopSignals) {
      this.removeListeners.push(
        onAbort(signal, () => void this.close({ kind: 'abort', reason: signal.reason })),
      );
    }
    try {
      this.iterator = (this.upstream as any)[Symbol.asyncIterator](
        this.options.signal,
      ) as AsyncIterator<unknown>;
      this.hasTryNext = typeof (this.iterator as Partial<TryNext<unknown>>)[TRY_NEXT] === 'function';
      this.requestable = typeof (this.iterator as Partial<Requestable<unknown>>)[REQUEST] === 'function';
    } catch (error) {
      this.upstreamEnded = true;
      void this.close({ kind: 'error', error });
      return false;
    }
    return true;
  }

  private pull(): void {
    this.phase = PULLING;
    const ready = this.hasTryNext ? this.tryNext() : undefined;
    if (ready) return this.onUpstream(ready);
    // sluice's own upstream takes the handlers directly; past the depth guard, a promise breaks
    // the chain of synchronous answers.
    if (this.requestable && this.syncDepth <= MAX_SYNC_DEPTH) {
      return (this.iterator as unknown as Requestable<unknown>)[REQUEST](
        this.onUpstream,
        this.onUpstreamError,
      );
    }
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = this.iterator!.next();
    } catch (error) {
      this.onUpstreamError(error);
      return;
    }
    (pending instanceof Promise ? pending : Promise.resolve(pending)).then(
      this.onUpstream,
      this.onUpstreamError,
    );
  }

  /**
   * A value sluice's own upstream has ready now, taken without a promise round trip. The depth
   * guard bounds the recursion through run() → deliver() → pull() when many values are ready.
   */
  private tryNext(): IteratorYieldResult<unknown> | undefined {
    if (this.syncDepth > MAX_SYNC_DEPTH) return undefined;
    return (this.iterator as unknown as TryNext<unknown>)[TRY_NEXT]();
  }

  private readonly onUpstream = (result: IteratorResult<unknown>): void => {
    if (this.phase !== PULLING) return this.settledWhileClosing(result.done === true);
    this.phase = IDLE;
    if (result.done) {
      this.upstreamEnded = true;
      void this.close(END);
    } else {
      this.syncDepth++;
      this.run(result.value, 0);
      this.syncDepth--;
    }
  };

  private readonly onUpstreamError = (error: unknown): void => {
    // An iterator whose next() threw is finished, as for-await assumes: it is not returned.
    this.upstreamEnded = true;
    if (this.phase !== PULLING) return this.settledWhileClosing(true);
    this.phase = IDLE;
    void this.close({ kind: 'error', error });
  };

  /** Runs the fused ops from `from` on; suspends on the first callback that returns a promise. */
  private run(value: unknown, from: number): void {
    const ops = this.ops;
    for (let i = from; i < ops.length; i++) {
      const op = ops[i];
      if (op.kind === TAKE) {
        if (++this.counters[i] >= op.count!) this.takeReached = true;
        continue;
      }
      let out: unknown;
      // CALLING while the callback runs: if it ends the pipeline itself (an abort, a return()),
      // cleanup sees a callback in flight and waits for it to settle.
      this.phase = CALLING;
      try {
        out = op.fn!(value, { signal: this.options.signal, index: this.counters[i]++ });
      } catch (error) {
        if (this.phase !== CALLING) return this.settledWhileClosing(false);
        this.phase = IDLE;
        void this.close({ kind: 'error', error });
        return;
      }
      if (this.phase !== CALLING) return this.settleThenResume(out);
      this.phase = IDLE;
      if (isThenable(out)) return this.suspend(out, value, i);
      if (op.kind === MAP) value = out;
      else if (op.kind === FILTER && !out) return this.skip();
    }
    this.deliver(value as T);
  }

  /** The callback closed the segment while it ran: cleanup resumes once its result settles. */
  private settleThenResume(out: unknown): void {
    const resume = (): void => this.settledWhileClosing(false);
    if (isThenable(out)) Promise.resolve(out).then(resume, resume);
    else resume();
  }

  private suspend(pending: PromiseLike<unknown>, value: unknown, at: number): void {
    this.phase = CALLING;
    this.held = value;
    this.resumeAt = at;
    Promise.resolve(pending).then(this.onCallback, this.onCallbackError);
  }

  private readonly onCallback = (out: unknown): void => {
    if (this.phase !== CALLING) return this.settledWhileClosing(false);
    const op = this.ops[this.resumeAt];
    const value = op.kind === MAP ? out : this.held;
    this.held = undefined;
    this.phase = IDLE;
    if (op.kind === FILTER && !out) return this.skip();
    this.run(value, this.resumeAt + 1);
  };

  private readonly onCallbackError = (error: unknown): void => {
    if (this.phase !== CALLING) return this.settledWhileClosing(false);
    this.phase = IDLE;
    void this.close({ kind: 'error', error });
  };

  /** A filtered-out value: pull again for the same request, unless `take` is satisfied. */
  private skip(): void {
    if (this.takeReached) void this.close(END);
    else this.pull();
  }

  private deliver(value: T): void {
    if (this.sink) {
      // The consumer's one standing request stays in place until the segment ends.
      this.phase = IDLE;
      this.sink(value);
      if (this.phase === IDLE) this.demand();
      return;
    }
    const resolve = this.headResolve!;
    this.headResolve = this.resolvers.shift();
    this.headReject = this.rejecters.shift();
    this.phase = IDLE;
    resolve({ value, done: false });
    // A reader handed its result synchronously may already have asked again (and been served).
    if (this.headResolve !== undefined && this.phase === IDLE) this.demand();
  }

  /** The pull or callback that cleanup was waiting for has settled. */
  private settledWhileClosing(upstreamFinished: boolean): void {
    if (upstreamFinished) this.upstreamEnded = true;
    const resume = this.resumeClose;
    this.resumeClose = undefined;
    resume?.();
  }

  /** Ends the segment once, whatever ended it; every path of cleanup goes through here. */
  private close(outcome: Outcome): Promise<void> {
    this.closing ??= this.cleanup(outcome);
    return this.closing;
  }

  private async cleanup(outcome: Outcome): Promise<void> {
    const interrupted = this.phase;
    this.phase = CLOSING;
    for (const remove of this.removeListeners) remove();
    this.removeListeners = [];
    this.options.owned?.abort(abortReasonFor(outcome));
    if (interrupted === CALLING || (interrupted === PULLING && this.options.cooperative)) {
      // In-flight callbacks and sluice's own stages settle promptly once the signal aborted.
      await new Promise<void>((resume) => (this.resumeClose = resume));
    } else if (interrupted === PULLING) {
      this.abandonPendingPull();
    }
    const closeError = await this.returnUpstream();
    this.phase = CLOSED;
    release(this.resource);
    // Cleanup noise never masks the error or abort that ended the segment.
    if (closeError && outcome.kind === 'return') this.returnFailure = closeError;
    const ended =
      closeError && outcome.kind === 'end' ? { kind: 'error' as const, error: closeError.error } : outcome;
    this.settleRequests(ended);
  }

  /** A foreign upstream stuck in next() is let go of; the ledger shows it until that next() settles. */
  private abandonPendingPull(): void {
    const stuck = abandon(this.iterator!, this.options.label);
    this.resumeClose = () => release(stuck);
    this.upstreamEnded = true;
  }

  /** Returns an upstream that has not finished; an error from its return() is kept for the consumer. */
  private async returnUpstream(): Promise<{ error: unknown } | undefined> {
    if (!this.iterator || this.upstreamEnded) return undefined;
    this.upstreamEnded = true;
    try {
      await this.iterator.return?.();
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  private settleRequests(outcome: Outcome): void {
    const resolvers = this.headResolve ? [this.headResolve, ...this.resolvers.splice(0)] : [];
    const rejecters = this.headReject ? [this.headReject, ...this.rejecters.splice(0)] : [];
    this.headResolve = this.headReject = undefined;
    const failure =
      outcome.kind === 'abort' ? outcome.reason : outcome.kind === 'error' ? outcome.error : undefined;
    const fails = outcome.kind === 'abort' || outcome.kind === 'error';
    if (fails && rejecters.length === 0) this.undelivered = { error: failure };
    for (let i = 0; i < resolvers.length; i++) {
      // Every waiter of an abort sees the reason; an error is told once, as an async generator would.
      if (fails && (i === 0 || outcome.kind === 'abort')) rejecters[i](failure);
      else resolvers[i](DONE);
    }
  }
}

function abortReasonFor(outcome: Outcome): unknown {
  if (outcome.kind === 'abort') return outcome.reason;
  if (outcome.kind === 'error') return outcome.error;
  return consumerStopped();
}
