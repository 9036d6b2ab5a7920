import { RingWindow, NOTHING, type ReorderWindow } from './ring-window.js';
import { DONE, returnQuietly } from '../core/iterators.js';
import { consumerStopped, onAbort } from '../util/abort.js';
import { REQUEST, TRY_NEXT, type Requestable, type TryNext } from '../core/cooperative.js';

/** Starts one call for `value` with the calls' shared signal; it settles when the call has. */
export type StartCall<I, O> = (
  value: I,
  index: number,
  signal: AbortSignal,
  onTimeout: (error: unknown) => void,
) => Promise<O>;

/**
 * The engine of `parallelMap`: runs up to `concurrency` calls at once over a source read one item
 * at a time, and hands results out in input order (a reorder window) or in completion order.
 * Running calls plus results not yet read never exceed `concurrency`, which bounds both the
 * read-ahead and the memory.
 *
 * Hand-written, not an async generator: it sits on the hot path of every concurrent map. It is read
 * by a contract-keeping `Segment` that never overlaps next() calls, so it answers one waiter at a
 * time. Every way it ends — source end, first error, abort, return() — goes through `close()`,
 * which aborts the calls, waits for all of them to settle, then returns the source.
 */
export class ParallelIterator<I, O> implements AsyncIterator<O>, TryNext<O>, Requestable<O> {
  private readonly source: AsyncIterator<I>;
  /** The source is a sluice edge that takes handlers directly, with no promise per item. */
  private readonly requestable: boolean;
  private readonly calls = new AbortController();
  private readonly removeListener: () => void;
  /** Finished results not yet read: by input index when ordered, in completion order when not. */
  private readonly byIndex: ReorderWindow<O>;
  private readonly inOrder: O[] = [];
  private running = 0;
  private pulling = false;
  private sourceDone = false;
  private started = 0;
  private nextOut = 0;
  private failure: { error: unknown } | undefined;
  private stopped = false;
  private resolveWaiter: ((result: IteratorResult<O>) => void) | undefined;
  private rejectWaiter: ((error: unknown) => void) | undefined;
  private allSettled: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    source: AsyncIterable<I>,
    private readonly signal: AbortSignal,
    private readonly startCall: StartCall<I, O>,
    private readonly concurrency: number,
    private readonly ordered: boolean,
  ) {
    this.source = source[Symbol.asyncIterator]();
    this.requestable = typeof (this.source as Partial<Requestable<I>>)[REQUEST] === 'function';
    this.byIndex = concurrency <= 1024 ? new RingWindow<O>(concurrency) : new Map<number, O>();
    this.removeListener = onAbort(signal, () => this.fail(signal.reason), 'parallelMap');
  }

  next(): Promise<IteratorResult<O>> {
    const ready = this[TRY_NEXT]();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => this[REQUEST](resolve, reject));
  }

  [REQUEST](resolve: (result: IteratorResult<O>) => void, reject: (error: unknown) => void): void {
    const ready = this[TRY_NEXT]();
    if (ready) return resolve(ready);
    this.resolveWaiter = resolve;
    this.rejectWaiter = reject;
    this.fill();
    this.wakeWaiter();
  }

  [TRY_NEXT](): IteratorYieldResult<O> | undefined {
    if (this.failure || this.buffered() === 0) return undefined;
    const value = this.takeReady();
    if (value === NOTHING) return undefined;
    this.fill();
    return { done: false, value };
  }

  return(): Promise<IteratorResult<O>> {
    return this.close().then(() => DONE);
  }

  private buffered(): number {
    return this.ordered ? this.byIndex.size : this.inOrder.length;
  }

  private takeReady(): O | typeof NOTHING {
    if (!this.ordered) return this.inOrder.length > 0 ? this.inOrder.shift()! : NOTHING;
    if (!this.byIndex.has(this.nextOut)) return NOTHING;
    const value = this.byIndex.get(this.nextOut)!;
    this.byIndex.delete(this.nextOut++);
    return value;
  }

  /** Starts a pull while a slot is free: running calls plus unread results stay within `concurrency`. */
  private fill(): void {
    if (this.pulling || this.sourceDone || this.failure || this.stopped) return;
    if (this.running + this.buffered() >= this.concurrency) return;
    this.pulling = true;
    if (this.requestable)
      (this.source as unknown as Requestable<I>)[REQUEST](this.onSource, this.onSourceError);
    else this.source.next().then(this.onSource, this.onSourceError);
  }

  private readonly onSource = (result: IteratorResult<I>): void => {
    this.pulling = false;
    if (result.done) this.sourceDone = true;
    else if (!this.failure && !this.stopped) this.start(result.value);
    this.afterSettle();
  };

  private readonly onSourceError = (error: unknown): void => {
    this.pulling = false;
    this.sourceDone = true;
    this.fail(error);
    this.afterSettle();
  };

  private start(value: I): void {
    const index = this.started++;
    this.running++;
    this.startCall(value, index, this.calls.signal, (error) => this.fail(error)).then(
      (out) => this.onResult(index, out),
      (error) => this.onCallError(error),
    );
  }

  private onResult(index: number, out: O): void {
    this.running--;
    if (!this.failure && !this.stopped) {
      if (this.ordered) this.byIndex.set(index, out);
      else this.inOrder.push(out);
    }
    this.afterSettle();
  }

  private onCallError(error: unknown): void {
    this.running--;
    this.fail(error);
    this.afterSettle();
  }

  /** Something settled: let cleanup go on if it waits, else keep the window full and answer the waiter. */
  private afterSettle(): void {
    if (this.running === 0) this.allSettled?.();
    this.fill();
    this.wakeWaiter();
  }

  /** The first error (or the abort) wins: the calls' signal aborts with it at once. */
  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.calls.abort(error);
    this.wakeWaiter();
  }

  private wakeWaiter(): void {
    const resolve = this.resolveWaiter;
    const reject = this.rejectWaiter!;
    if (!resolve) return;
    const failure = this.failure;
    if (failure) {
      this.resolveWaiter = this.rejectWaiter = undefined;
      void this.close().then(() => reject(failure.error));
      return;
    }
    const value = this.takeReady();
    if (value !== NOTHING) {
      this.resolveWaiter = this.rejectWaiter = undefined;
      this.fill();
      resolve({ done: false, value });
    } else if (this.sourceDone && this.running === 0 && !this.pulling) {
      this.resolveWaiter = this.rejectWaiter = undefined;
      void this.close().then(() => resolve(DONE));
    }
  }

  /**
   * Ends once: aborts the calls, waits for every one of them to settle, then returns the source.
   * A pull still under way is not waited for: the source keeps the protocol, so its return()
   * answers that pull with done at once.
   */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      this.calls.abort(
        this.failure ? this.failure.error : this.signal.aborted ? this.signal.reason : consumerStopped(),
      );
      this.removeListener();
      if (this.running > 0) await new Promise<void>((resolve) => (this.allSettled = resolve));
      this.byIndex.clear();
      this.inOrder.length = 0;
      if (!this.sourceDone) {
        this.sourceDone = true;
        await returnQuietly(this.source);
      }
    })();
    return this.closing;
  }
}
