import { abandon, DONE } from '../core/iterators.js';
import type { Source } from '../core/types.js';
import { from } from '../core/from.js';
import { consumerStopped, onAbort } from '../util/abort.js';
import { release, track, type Resource } from '../util/registry.js';

/** What `Policy.take` answers when no item is ready: no allocation per item. */
export const EMPTY: unique symbol = Symbol('empty');

/** How a router hands the source's items to its outputs: split's queues, tee's shared window. */
export interface Policy<T> {
  /** The next item for output `k`, taken out of the policy's hands, or `EMPTY` if none is ready. */
  take(k: number): T | typeof EMPTY;
  /**
   * Whether to pull the source now. `anyWaiting`: some output has an unanswered next();
   * `isWaiting(k)`: output k has one.
   */
  wantsPull(anyWaiting: boolean, isWaiting: (k: number) => boolean): boolean;
  /** Routes a pulled item; a throw fails the router with that error. */
  accept(value: T): void;
  /** Output `k` was returned: drop what is held for it, stop waiting on it. */
  leave(k: number): void;
  /** Abort: drop everything. */
  clear(): void;
}

type Outcome = { kind: 'end' } | { kind: 'error'; error: unknown } | { kind: 'abort'; reason: unknown };

/** An unanswered next() of an output; `seq` orders the asks of all outputs. */
class Waiter<T> {
  seq = 0;
  constructor(
    readonly resolve: (result: IteratorResult<T>) => void,
    readonly reject: (reason: unknown) => void,
  ) {}
}

const IDLE = 0; // no output has asked yet: the source is not opened
const RUNNING = 1;
const STOPPING = 2; // every output is done or the signal aborted: the source is being returned
const STOPPED = 3;

/**
 * One source read by `n` outputs, the goroutine behind split and tee. It opens the source on the
 * first next() of any output, pulls it one next() at a time when the policy wants an item, and
 * stops — source returned, listener removed — once every output is done or the signal aborts.
 */
class Router<T> {
  readonly outputs: Output<T>[];
  private state = IDLE;
  private seq = 0;
  private live: number;
  private iterator: AsyncIterator<T> | undefined;
  private pulling = false;
  private sourceFinished = false; // ended, failed, returned or abandoned: never pulled again
  private closingSource = false; // a routing failure is returning the source: hold the error back
  private closing: Promise<{ error: unknown } | undefined> | undefined;
  private stopping: Promise<{ error: unknown } | undefined> | undefined;
  private outcome: Outcome | undefined;
  private readonly controller = new AbortController(); // the signal the source is given
  private removeListener: (() => void) | undefined;
  private resource: Resource | undefined;
  private stuck: Resource | undefined;
  private readonly order: Output<T>[]; // deliver()'s scratch list, kept to spare allocations
  private readonly isWaiting = (k: number): boolean => this.outputs[k].waiters.length > 0;

  constructor(
    private readonly source: AsyncIterable<T>,
    n: number,
    private readonly policy: Policy<T>,
    private readonly signal: AbortSignal | undefined,
    private readonly label: string,
  ) {
    this.outputs = Array.from({ length: n }, (_, k) => new Output(this, k));
    this.order = this.outputs.slice();
    this.live = n;
  }

  request(output: Output<T>, waiter: Waiter<T>): void {
    waiter.seq = this.seq++;
    output.waiters.push(waiter);
    this.service();
  }

  /**
   * The fast path of an output's next() with none queued before it: the item, if the policy
   * already holds one for it, with no waiter and no promise of our own. What `request` then
   * `deliver` would have answered at once, in the same order.
   */
  take(output: Output<T>): IteratorResult<T> | undefined {
    if (this.state !== RUNNING) return undefined;
    const value = this.policy.take(output.index);
    if (value === EMPTY) return undefined;
    this.service(); // taking may have made room: pull for the outputs still waiting
    return { value, done: false };
  }

  private anyWaiting(): boolean {
    const outputs = this.outputs;
    for (let k = 0; k < outputs.length; k++) if (outputs[k].waiters.length > 0) return true;
    return false;
  }

  /** Output's return(): answers its pending next() calls with done; the last one stops the router. */
  leave(output: Output<T>): Promise<IteratorResult<T>> {
    output.undelivered = undefined;
    if (output.done) return Promise.resolve(DONE);
    output.done = true;
    this.live--;
    for (const waiter of output.waiters.splice(0)) waiter.resolve(DONE);
    this.policy.leave(output.index);
    if (this.live > 0) {
      this.service(); // a returned output may have been holding the others back
      return Promise.resolve(DONE);
    }
    if (this.state === IDLE) this.state = STOPPED;
    return this.stop().then((failure) => {
      if (failure && !this.outcome) throw failure.error;
      return DONE;
    });
  }

  /** Runs after every change: hands out ready items, settles finished outputs, pulls on demand. */
  service(): void {
    if (this.state === IDLE) {
      if (!this.anyWaiting()) return;
      this.start();
    }
    if (this.state === STOPPING) return;
    if (this.state === STOPPED) {
      if (this.outcome?.kind === 'abort')
        for (const o of this.outputs) if (!o.done) this.finish(o, this.outcome);
      return;
    }
    this.deliver();
    if (this.outcome) {
      if (this.closingSource) return;
      for (const o of this.outputs) if (!o.done && o.waiters.length > 0) this.finish(o, this.outcome);
      if (this.live === 0) void this.stop();
    } else if (!this.pulling && this.policy.wantsPull(this.anyWaiting(), this.isWaiting)) {
      this.pull();
    }
  }

  private start(): void {
    if (this.signal?.aborted) {
      // Already aborted: every output rejects, and the source is never touched.
      this.outcome = { kind: 'abort', reason: this.signal.reason };
      this.state = STOPPED;
      return;
    }
    this.state = RUNNING;
    this.resource = track('stage', this.label);
    if (this.signal) this.removeListener = onAbort(this.signal, this.abort, this.label);
    try {
      this.iterator = (this.source as any)[Symbol.asyncIterator](this.controller.signal) as AsyncIterator<T>;
    } catch (error) {
      this.sourceFinished = true;
      this.outcome = { kind: 'error', error };
    }
  }

  /** Serves waiting outputs in the order they asked, which is what split's first-asker mode needs. */
  private deliver(): void {
    const { outputs, order, policy } = this;
    for (;;) {
      // The waiting outputs by the age of their oldest ask (an insertion sort: n is small).
      let count = 0;
      for (let k = 0; k < outputs.length; k++) {
        const output = outputs[k];
        if (output.waiters.length === 0) continue;
        const seq = output.waiters[0].seq;
        let i = count++;
        for (; i > 0 && order[i - 1].waiters[0].seq > seq; i--) order[i] = order[i - 1];
        order[i] = output;
      }
      let served = false;
      for (let i = 0; i < count; i++) {
        const output = order[i];
        const value = policy.take(output.index);
        if (value === EMPTY) continue;
        output.waiters.shift()!.resolve({ value, done: false });
        served = true;
        break;
      }
      if (!served) return;
    }
  }

  private pull(): void {
    this.pulling = true;
    let pending: PromiseLike<IteratorResult<T>>;
    try {
      pending = this.iterator!.next();
    } catch (error) {
      return this.onError(error);
    }
    Promise.resolve(pending).then(this.onResult, this.onError);
  }

  private readonly onResult = (result: IteratorResult<T>): void => {
    this.pulling = false;
    if (this.state >= STOPPING) return release(this.stuck);
    if (result.done) {
      this.sourceFinished = true;
      this.outcome = { kind: 'end' };
    } else {
      try {
        this.policy.accept(result.value);
      } catch (error) {
        // A routing failure: the source is still open, so return it before anyone hears the error.
        this.outcome = { kind: 'error', error };
        this.closingSource = true;
        void this.closeSource().then(() => {
          this.closingSource = false;
          this.service();
        });
      }
    }
    this.service();
  };

  private readonly onError = (error: unknown): void => {
    this.pulling = false;
    if (this.state >= STOPPING) return release(this.stuck);
    // An iterator whose next() threw is finished, as for-await assumes: it is not returned.
    this.sourceFinished = true;
    this.outcome = { kind: 'error', error };
    this.service();
  };

  private readonly abort = (): void => {
    this.outcome = { kind: 'abort', reason: this.signal!.reason };
    this.policy.clear();
    void this.stop().then(() => this.service());
  };

  /** Ends an output: an abort rejects every pending next(); an error is told once, as by a generator. */
  private finish(output: Output<T>, outcome: Outcome): void {
    output.done = true;
    this.live--;
    const waiters = output.waiters.splice(0);
    if (outcome.kind === 'end') return waiters.forEach((waiter) => waiter.resolve(DONE));
    const error = outcome.kind === 'abort' ? outcome.reason : outcome.error;
    if (waiters.length === 0) output.undelivered = { error };
    waiters.forEach((waiter, i) =>
      i === 0 || outcome.kind === 'abort' ? waiter.reject(error) : waiter.resolve(DONE),
    );
  }

  private stop(): Promise<{ error: unknown } | undefined> {
    this.stopping ??= (async () => {
      this.state = STOPPING;
      this.removeListener?.();
      this.controller.abort(this.outcome?.kind === 'abort' ? this.outcome.reason : consumerStopped());
      const failure = await this.closeSource();
      this.state = STOPPED;
      release(this.resource);
      return failure;
    })();
    return this.stopping;
  }

  private closeSource(): Promise<{ error: unknown } | undefined> {
    this.closing ??= (async () => {
      const iterator = this.iterator;
      if (!iterator || this.sourceFinished) return undefined;
      this.sourceFinished = true;
      if (this.pulling) {
        this.stuck = abandon(iterator, this.label);
        return undefined;
      }
      try {
        await iterator.return?.();
        return undefined;
      } catch (error) {
        return { error };
      }
    })();
    return this.closing;
  }
}

/**
 * One output of `split` or `tee`: an async iterator that keeps the whole protocol — queued
 * `next()` calls, a `return()` that does not wait on a pending `next()`. It is its own iterator,
 * so it can be iterated once.
 */
export interface Branch<T> extends AsyncIterableIterator<T> {
  /** Stops this output at once, without waiting on its pending `next()`, which resolves `done`. */
  return(): Promise<IteratorResult<T>>;
}

class Output<T> implements Branch<T> {
  readonly waiters: Waiter<T>[] = [];
  done = false;
  undelivered: { error: unknown } | undefined;

  constructor(
    private readonly router: Router<T>,
    readonly index: number,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.done) {
      const pending = this.undelivered;
      this.undelivered = undefined;
      return pending ? Promise.reject(pending.error) : Promise.resolve(DONE);
    }
    if (this.waiters.length === 0) {
      const ready = this.router.take(this);
      if (ready) return Promise.resolve(ready);
    }
    let waiter!: Waiter<T>;
    const promise = new Promise<IteratorResult<T>>((resolve, reject) => {
      waiter = new Waiter(resolve, reject);
    });
    this.router.request(this, waiter);
    return promise;
  }

  return(): Promise<IteratorResult<T>> {
    return this.router.leave(this);
  }
}

/** Starts nothing: the router opens `source` on the first next() of any of the `n` outputs. */
export function route<T>(
  source: Source<T>,
  n: number,
  policy: Policy<T>,
  signal: AbortSignal | undefined,
  label: string,
): Branch<T>[] {
  return new Router(from(source), n, policy, signal, label).outputs;
}
