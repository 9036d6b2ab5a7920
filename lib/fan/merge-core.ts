import { abandon, DONE, returnQuietly } from '../core/iterators.js';
import { from } from '../core/from.js';
import type { Source } from '../core/types.js';
import { onAbort } from '../util/abort.js';
import { REQUEST, TRY_NEXT, type Requestable, type TryNext } from '../core/cooperative.js';
import { release, type Resource } from '../util/registry.js';

interface Inner<T> {
  readonly iterator: AsyncIterator<T>;
  pending: boolean;
  done: boolean;
  /** The value it delivered, while it waits in the ready queue. */
  value: T | undefined;
  readonly onValue: (result: IteratorResult<T>) => void;
  readonly onError: (error: unknown) => void;
  /** The ledger entry of an inner source abandoned while stuck in next(). */
  stuck?: Resource;
}

/**
 * Fan-in shared by `merge`, `mergeAll` and `flatten`: reads up to `concurrency` inner sources at
 * once, each with at most one pending next(), and yields values in the order they arrive. A source
 * is pulled again only once its last value has been taken, so the ready queue never holds more
 * than one value per source and an always-ready source cannot starve another. `initial` sources
 * are opened at once (so every one of them is returned on exit, pulled or not); `outer` supplies
 * more, read only while a slot is free.
 *
 * Hand-written rather than an async generator: it is on the hot path of every fan-in, and it is
 * read by a contract-keeping `Segment` that never overlaps next() calls, so it answers one waiter
 * at a time and settles it promptly once `signal` aborts.
 */
export class MergeIterator<T> implements AsyncIterator<T>, TryNext<T>, Requestable<T> {
  private readonly inners = new Set<Inner<T>>();
  /** Sources holding a value not yet taken, in arrival order; each holds at most one. */
  private readonly ready: Inner<T>[] = [];
  private outerPending = false;
  private outerDone: boolean;
  private stopped = false;
  private failure: { error: unknown } | undefined;
  private resolveWaiter: ((result: IteratorResult<T>) => void) | undefined;
  private rejectWaiter: ((error: unknown) => void) | undefined;
  private readonly removeListener: () => void;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly outer: AsyncIterator<Source<T>> | undefined,
    initial: readonly AsyncIterable<T>[],
    private readonly concurrency: number,
    private readonly signal: AbortSignal,
  ) {
    this.outerDone = outer === undefined;
    this.removeListener = onAbort(signal, () => this.wakeWaiter(), 'merge');
    for (const source of initial) if (!this.failure) this.open(source);
  }

  next(): Promise<IteratorResult<T>> {
    const ready = this[TRY_NEXT]();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => this[REQUEST](resolve, reject));
  }

  [REQUEST](resolve: (result: IteratorResult<T>) => void, reject: (error: unknown) => void): void {
    const ready = this[TRY_NEXT]();
    if (ready) return resolve(ready);
    this.resolveWaiter = resolve;
    this.rejectWaiter = reject;
    this.wakeWaiter();
  }

  [TRY_NEXT](): IteratorYieldResult<T> | undefined {
    if (this.ready.length === 0 || this.failure || this.signal.aborted) return undefined;
    const inner = this.ready.shift()!;
    const value = inner.value as T;
    inner.value = undefined;
    if (!inner.done) this.pullInner(inner);
    return { done: false, value };
  }

  return(): Promise<IteratorResult<T>> {
    return this.close().then(() => DONE);
  }

  /** Answers the waiting next(), if there is an answer yet; otherwise makes sure work is under way. */
  private wakeWaiter(): void {
    const resolve = this.resolveWaiter;
    const reject = this.rejectWaiter!;
    if (!resolve) return;
    const failure = this.failure ?? (this.signal.aborted ? { error: this.signal.reason } : undefined);
    if (failure) return this.settleWaiter(() => this.close().then(() => reject(failure.error)));
    const ready = this[TRY_NEXT]();
    if (ready) return this.settleWaiter(() => resolve(ready));
    if (this.outerDone && !this.outerPending && this.inners.size === 0) {
      return this.settleWaiter(() => this.close().then(() => resolve(DONE)));
    }
    if (!this.outerDone && !this.outerPending && this.inners.size < this.concurrency) this.pullOuter();
  }

  private settleWaiter(settle: () => unknown): void {
    this.resolveWaiter = this.rejectWaiter = undefined;
    settle();
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.wakeWaiter();
  }

  private open(source: AsyncIterable<T>): void {
    let iterator: AsyncIterator<T>;
    try {
      iterator = (source as any)[Symbol.asyncIterator](this.signal);
    } catch (error) {
      return this.fail(error);
    }
    // The handlers are made once per source, not once per value.
    const inner: Inner<T> = {
      iterator,
      pending: false,
      done: false,
      value: undefined,
      onValue: (result) => this.onInnerValue(inner, result),
      onError: (error) => this.onInnerError(inner, error),
    };
    this.inners.add(inner);
    this.pullInner(inner);
  }

  private pullInner(inner: Inner<T>): void {
    inner.pending = true;
    let pending: Promise<IteratorResult<T>>;
    try {
      pending = inner.iterator.next();
    } catch (error) {
      return inner.onError(error);
    }
    pending.then(inner.onValue, inner.onError);
  }

  private onInnerValue(inner: Inner<T>, result: IteratorResult<T>): void {
    if (result.done || this.stopped) this.finish(inner);
    else {
      inner.pending = false;
      inner.value = result.value;
      this.ready.push(inner);
    }
    this.wakeWaiter();
  }

  private onInnerError(inner: Inner<T>, error: unknown): void {
    this.finish(inner);
    this.fail(error);
  }

  private finish(inner: Inner<T>): void {
    inner.pending = false;
    release(inner.stuck);
    if (this.stopped) return;
    inner.done = true;
    this.inners.delete(inner);
  }

  private pullOuter(): void {
    this.outerPending = true;
    this.outer!.next().then(
      (result) => {
        this.outerPending = false;
        if (result.done) this.outerDone = true;
        else if (!this.stopped) this.openSource(result.value);
        this.wakeWaiter();
      },
      (error) => {
        this.outerPending = false;
        this.outerDone = true;
        this.fail(error);
      },
    );
  }

  private openSource(source: Source<T>): void {
    let iterable: AsyncIterable<T>;
    try {
      iterable = from(source);
    } catch (error) {
      return this.fail(error);
    }
    this.open(iterable);
  }

  /** Ends the merge once: every inner source and the outer one are returned. */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      this.removeListener();
      this.ready.length = 0;
      const outer = this.outerDone ? undefined : this.outer?.return?.();
      await Promise.all([...[...this.inners].map(closeInner), outer?.then(undefined, () => undefined)]);
    })();
    return this.closing;
  }
}

/** An idle inner source is returned and awaited; one stuck in next() is let go of (see `abandon`). */
async function closeInner<T>(inner: Inner<T>): Promise<void> {
  if (inner.done) return;
  inner.done = true;
  if (inner.pending) {
    inner.stuck = abandon(inner.iterator, 'merge');
    return;
  }
  await returnQuietly(inner.iterator);
}

/** The merge of `initial` and of what `outer` supplies, opened when iteration starts. */
export function mergeCore<T>(
  outer: AsyncIterable<Source<T>> | undefined,
  initial: readonly AsyncIterable<T>[],
  concurrency: number,
  signal: AbortSignal,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () =>
      new MergeIterator(outer?.[Symbol.asyncIterator](), initial, concurrency, signal),
  };
}
