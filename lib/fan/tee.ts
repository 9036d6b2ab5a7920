import type { Carried } from '../core/lease.js';
import { broadcastLeases, carriedOf, carriesLeases, leasedBranches } from './leased-fan.js';
import { EMPTY, route, type Branch, type Policy } from './router.js';
import { assertCount, assertOptions, assertSignal } from '../util/validate.js';
import type { Outputs, SignalOptions, Source } from '../core/types.js';

/** Options of `tee`. */
export interface TeeOptions extends SignalOptions {
  /**
   * How many items the fastest output may be ahead of the slowest one still reading; also the
   * most items held in memory. 1 runs the outputs in near lockstep, like a Go broadcast over
   * unbuffered channels. @default 1
   */
  capacity?: number | undefined;
}

/**
 * Broadcast: `n` async iterables that each yield every item of `source`, in order. Bounded,
 * unlike WHATWG `tee()`: the source is pulled only when an output wants an item that no output
 * has seen yet, and only while the fastest output is fewer than `capacity` items ahead of the
 * slowest live one — so the fast outputs wait for the slow ones, and memory holds at most
 * `capacity` items.
 *
 * End: each output yields every item, then ends. Error: every output still reading yields the
 * items it has not read yet, then the error once. Abort: every pending `next()` rejects with
 * `signal.reason`, without waiting on a source stuck in `next()` (its `return()` is called, not
 * awaited); an output with none pending rejects on its next read. `break` (an output's
 * `return()`): that output stops holding the others back; the source is returned only once every
 * output is returned or finished — so read or return them all.
 *
 * @example
 * const [toDisk, toStats] = tee(readings, 2, { capacity: 16, signal });
 * await Promise.all([forEach(toDisk, save), forEach(toStats, count)]);
 */
export function tee<T, N extends number>(
  source: Source<T>,
  n: N,
  options?: TeeOptions,
): Outputs<Branch<T>, N>;
export function tee<T>(source: Source<T>, n: number, options: TeeOptions = {}): Branch<T>[] {
  assertCount('n', n, 1);
  assertOptions('options', options);
  const { capacity = 1, signal } = options;
  assertCount('capacity', capacity, 1);
  assertSignal('signal', signal);
  if (carriesLeases([source])) {
    // With `ack: 'auto'`: a message is acknowledged once every output still reading is done with it.
    const policy = broadcastLeases(new Broadcast<Carried<T>>(n, capacity), n);
    return leasedBranches(route(carriedOf(source), n, policy, signal, `tee(${n})`));
  }
  return route(source, n, new Broadcast<T>(n, capacity), signal, `tee(${n})`);
}

/**
 * A window over the source that every live output reads through at its own position: an array
 * read from a moving head, so handing out an item moves indices and copies nothing.
 */
class Broadcast<T> implements Policy<T> {
  readonly firstAsker = false;
  private window: (T | undefined)[] = [];
  private head = 0; // where the item at source index `base` sits in `window`
  private tail = 0; // where the next item goes in `window`
  private base = 0; // the source index of the oldest item held: the slowest live output's position
  private end = 0; // the source index one past the newest item held
  private readonly positions: number[];
  private readonly live: boolean[];

  constructor(
    n: number,
    private readonly capacity: number,
  ) {
    this.positions = Array.from({ length: n }, () => 0);
    this.live = Array.from({ length: n }, () => true);
  }

  take(k: number): T | typeof EMPTY {
    const position = this.positions[k];
    if (position >= this.end) return EMPTY;
    const value = this.window[this.head + position - this.base] as T;
    this.positions[k] = position + 1;
    // Only an output at the oldest item can be the slowest one: the others trim nothing.
    if (position === this.base) this.trim();
    return value;
  }

  wantsPull(anyWaiting: boolean): boolean {
    // A waiting output has read the whole window; pulling moves it one further from the slowest.
    return anyWaiting && this.end - this.slowest() < this.capacity;
  }

  accept(value: T): void {
    this.window[this.tail++] = value;
    this.end++;
  }

  leave(k: number): void {
    this.live[k] = false;
    this.trim();
  }

  clear(): void {
    this.window = [];
    this.head = 0;
    this.tail = 0;
    this.base = this.end;
  }

  private slowest(): number {
    let min = Infinity;
    for (let k = 0; k < this.positions.length; k++) {
      if (this.live[k] && this.positions[k] < min) min = this.positions[k];
    }
    return min;
  }

  /** Drops the items every live output has read. */
  private trim(): void {
    const to = Math.min(this.slowest(), this.end);
    if (to <= this.base) return;
    const window = this.window;
    const head = this.head + (to - this.base);
    for (let i = this.head; i < head; i++) window[i] = undefined; // hold no item nobody will read
    this.base = to;
    if (head === this.tail) {
      // Empty: start again at the front of the same array (setting its length is costly).
      this.head = this.tail = 0;
    } else if (head >= 1024 && head * 2 >= this.tail) {
      // Move the items still held to the front, so the array stays within twice their span.
      const held = this.tail - head;
      for (let i = 0; i < held; i++) {
        window[i] = window[head + i];
        window[head + i] = undefined;
      }
      this.head = 0;
      this.tail = held;
    } else {
      this.head = head;
    }
  }
}
