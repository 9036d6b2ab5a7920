import { implStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { Fifo } from '../util/fifo.js';
import { assertCount } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/**
 * Lets a fast producer run ahead of a bursty consumer, like a buffered Go channel between two
 * goroutines: a pump pulls the source while fewer than `capacity` items wait to be read (a pull in
 * flight counts as one), so the source is read at most `capacity` items ahead of demand. Order is
 * kept.
 *
 * End: the buffered items, then the end. Error: the buffered items first, then the error, as a Go
 * reader drains a channel before it sees it closed. Abort: the pending `next()` rejects with
 * `signal.reason` at once; buffered items are dropped. `break`: the pump stops, buffered items
 * are dropped and the source is returned, without waiting on a `next()` it is stuck in.
 *
 * @example
 * pipe(readLines(file), buffer(64), parallelMap(parse, { concurrency: 4 }), { signal });
 */
export function buffer<T>(capacity: number): Stage<T, T> {
  assertCount('capacity', capacity, 1);
  return implStage(
    (source, { signal }) => new BufferEngine(source as AsyncIterable<T>, signal, capacity).outlet,
  );
}

/** A queue of `capacity` between one inlet and one outlet, filled while there is room. */
class BufferEngine<T> extends SourceEngine<T, T> {
  private readonly queue = new Fifo<T>();

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly capacity: number,
  ) {
    super(source, signal, `buffer(${capacity})`);
  }

  protected open(): void {
    this.fill();
  }

  protected serve(): void {
    while (this.outlet.waiting && this.queue.length > 0) {
      this.outlet.push(this.queue.shift());
      this.fill();
    }
    // Go drains a closed channel before its reader sees it closed: so the end, and the error.
    if (this.queue.length === 0 && !this.closed) this.endLikeSource();
  }

  /** A pull in flight counts as a slot: queued plus pulling never exceeds `capacity`. */
  private fill(): void {
    if (!this.closed && this.queue.length < this.capacity) this.inlet.pull();
  }

  onItem(value: T): void {
    this.queue.push(value);
    this.fill();
    this.serve();
  }

  protected drop(): void {
    this.queue.clear();
  }
}
