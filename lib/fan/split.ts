import type { Carried } from '../core/lease.js';
import { carriedOf, carriesLeases, leasedBranches } from './leased-fan.js';
import { OrphanError } from '../core/errors.js';
import { Fifo } from '../util/fifo.js';
import { EMPTY, type Policy } from './policy.js';
import { route, type Branch } from './router.js';
import { assertCount, assertFunction, assertOptions, assertSignal, describe } from '../util/validate.js';
import type { Outputs, SignalOptions, Source } from '../core/types.js';

export type { Branch };

/** Options of `split`. */
export interface SplitOptions<T> extends SignalOptions {
  /**
   * Routes each item to output `by(value, index)` (an integer from 0 to n − 1) instead of to
   * whichever output asks first; order per output is kept. @default undefined (first asker)
   */
  by?: ((value: T, index: number) => number) | undefined;
  /**
   * Items the router may hold for outputs that have not asked: with `by`, per output; without,
   * one queue all outputs share (Go's buffered channel). 0 is an unbuffered channel. @default 0
   */
  capacity?: number | undefined;
}

/**
 * Fan-out: `n` async iterables over one source, as `n` goroutines ranging over one channel. By
 * default each item goes to exactly one output, the one that asked first; with `by`, to the output
 * it names. The source is opened on the first read of any output and pulled one item at a time,
 * only when an output wants one or a queue has room: it is read at most `capacity` items (plus
 * one the router holds, blocked like a Go send) ahead of the outputs. With `by`, an output that
 * is not read holds the others back once its queue is full, as in Go.
 *
 * End: each output yields what it has been given, then ends. Error (the source's, a throw in
 * `by`, a `RangeError` for a key out of range, an `OrphanError` for an item routed to an output
 * already returned): every output still reading gets its queued items, then the error once.
 * Abort: every pending `next()` rejects with `signal.reason`, without waiting on a source stuck in
 * `next()` (its `return()` is called, not awaited); an output with none pending rejects on its next
 * read. `break` (an output's `return()`): that output ends and drops the items queued for it; the
 * source is returned only once every output is returned or finished — so read or return them all.
 * Each item is yielded by exactly one output, except those dropped by a returned output and those
 * the router holds when the last output stops.
 *
 * @example
 * const [a, b, c] = split(jobs, 3, { signal });
 * await Promise.all([a, b, c].map((out) => forEach(out, work)));
 */
export function split<T, N extends number>(
  source: Source<T>,
  n: N,
  options?: SplitOptions<T>,
): Outputs<Branch<T>, N>;
export function split<T>(source: Source<T>, n: number, options: SplitOptions<T> = {}): Branch<T>[] {
  assertCount('n', n, 1);
  assertOptions('options', options);
  const { by, capacity = 0, signal } = options;
  if (by !== undefined) assertFunction('by', by);
  assertCount('capacity', capacity, 0);
  assertSignal('signal', signal);
  if (carriesLeases([source])) {
    // With `ack: 'auto'`: each message goes on with its item to the output it is routed to.
    const policy = by
      ? new ByKey<Carried<T>>(n, capacity, (carried, index) => by(carried.value, index))
      : new FirstAsker<Carried<T>>(capacity);
    return leasedBranches(route(carriedOf(source), n, policy, signal, `split(${n})`));
  }
  const policy = by ? new ByKey(n, capacity, by) : new FirstAsker<T>(capacity);
  return route(source, n, policy, signal, `split(${n})`);
}

/** One queue every output draws from, in the order their next() calls came. */
class FirstAsker<T> implements Policy<T> {
  readonly firstAsker = true;
  private readonly queue = new Fifo<T>();
  constructor(private readonly capacity: number) {}
  take(): T | typeof EMPTY {
    return this.queue.length > 0 ? this.queue.shift() : EMPTY;
  }
  wantsPull(anyWaiting: boolean): boolean {
    return this.queue.length < this.capacity || anyWaiting;
  }
  accept(value: T): void {
    this.queue.push(value);
  }
  leave(): void {}
  clear(): void {
    this.queue.clear();
  }
}

/** A queue per output, and the one item the router is blocked on when its output's queue is full. */
class ByKey<T> implements Policy<T> {
  readonly firstAsker = false;
  private readonly queues: Fifo<T>[];
  private readonly live: boolean[];
  private held: { value: T; k: number } | undefined;
  private index = 0;

  constructor(
    private readonly n: number,
    private readonly capacity: number,
    private readonly by: (value: T, index: number) => number,
  ) {
    this.queues = Array.from({ length: n }, () => new Fifo<T>());
    this.live = Array.from({ length: n }, () => true);
  }

  take(k: number): T | typeof EMPTY {
    const queue = this.queues[k];
    const held = this.held?.k === k ? this.held : undefined;
    if (queue.length === 0) {
      if (!held) return EMPTY;
      this.held = undefined;
      return held.value;
    }
    const value = queue.shift();
    if (held && queue.length < this.capacity) {
      queue.push(held.value);
      this.held = undefined;
    }
    return value;
  }

  wantsPull(_anyWaiting: boolean, isWaiting: (k: number) => boolean): boolean {
    if (this.held) return false;
    return this.live.some((live, k) => live && (isWaiting(k) || this.queues[k].length < this.capacity));
  }

  accept(value: T): void {
    const index = this.index++;
    const k = this.by(value, index);
    if (!Number.isInteger(k) || k < 0 || k >= this.n) {
      throw new RangeError(
        `Expected \`by\` to return an integer from 0 to ${this.n - 1}, got ${describe(k)} for item ${index} (${describe(value)})`,
      );
    }
    if (!this.live[k]) throw new OrphanError(value, k);
    if (this.queues[k].length < this.capacity) this.queues[k].push(value);
    else this.held = { value, k };
  }

  leave(k: number): void {
    // What was already routed to a returned output goes with it, as items left in a Go channel.
    this.live[k] = false;
    this.queues[k].clear();
    if (this.held?.k === k) this.held = undefined;
  }

  clear(): void {
    for (const queue of this.queues) queue.clear();
    this.held = undefined;
  }
}
