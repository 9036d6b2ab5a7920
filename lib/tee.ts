import { route, type Branch, type Policy } from './internal/router.js';
import { assertCount, assertOptions, assertSignal } from './internal/validate.js';
import type { SignalOptions, Source } from './types.js';

/** Options of `tee`. */
export interface TeeOptions extends SignalOptions {
  /**
   * How many items the fastest output may be ahead of the slowest one still reading; also the
   * most items held in memory. 1 runs the outputs in near lockstep, like a Go broadcast over
   * unbuffered channels. @default 1
   */
  capacity?: number;
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
export function tee<T>(source: Source<T>, n: number, options: TeeOptions = {}): Branch<T>[] {
  assertCount('n', n, 1);
  assertOptions('options', options);
  const { capacity = 1, signal } = options;
  assertCount('capacity', capacity, 1);
  assertSignal('signal', signal);
  return route(source, n, new Broadcast<T>(n, capacity), signal, `tee(${n})`);
}

/** A window over the source that every live output reads through at its own position. */
class Broadcast<T> implements Policy<T> {
  private window: T[] = [];
  private base = 0; // the source index of window[0]
  private readonly positions: number[];
  private readonly live: boolean[];

  constructor(
    n: number,
    private readonly capacity: number,
  ) {
    this.positions = Array.from({ length: n }, () => 0);
    this.live = Array.from({ length: n }, () => true);
  }

  take(k: number): { value: T } | undefined {
    const at = this.positions[k] - this.base;
    if (at >= this.window.length) return undefined;
    this.positions[k]++;
    const value = this.window[at];
    this.trim();
    return { value };
  }

  wantsPull(waiting: readonly boolean[]): boolean {
    // A waiting output has read the whole window; pulling moves it one further from the slowest.
    return waiting.includes(true) && this.base + this.window.length - this.slowest() < this.capacity;
  }

  accept(value: T): void {
    this.window.push(value);
  }

  leave(k: number): void {
    this.live[k] = false;
    this.trim();
  }

  clear(): void {
    this.window = [];
  }

  private slowest(): number {
    let min = Infinity;
    this.positions.forEach((position, k) => {
      if (this.live[k]) min = Math.min(min, position);
    });
    return min;
  }

  /** Drops the items every live output has read. */
  private trim(): void {
    const read = Math.min(this.slowest(), this.base + this.window.length) - this.base;
    if (read <= 0) return;
    this.window.splice(0, read);
    this.base += read;
  }
}
