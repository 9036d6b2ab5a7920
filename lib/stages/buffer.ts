import type { EngineProbe } from '../core/gauge.js';
import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { Fifo } from '../util/fifo.js';
import { dropInto, overflowOptions, type OverflowOptions } from '../core/overflow.js';
import { assertCount } from '../util/validate.js';
import { completesNow, later } from '../csp/hand-over.js';
import type { Overflow, Stage } from '../core/types.js';
import type { Carried } from '../core/lease.js';

/** Options of `buffer`. */
export type BufferOptions<T> = OverflowOptions<T>;

/**
 * Lets a fast producer run ahead of a bursty consumer, like a buffered Go channel between two
 * goroutines: a pump pulls the source while fewer than `capacity` items wait to be read (a pull in
 * flight counts as one), so the source is read at most `capacity` items ahead of demand. Order is
 * kept.
 *
 * With `overflow: 'drop-newest'` or `'drop-oldest'` the pump never waits for the reader: it reads
 * the source as fast as it yields, and an item that finds the buffer full drops the new item or
 * the oldest buffered one, each passed to `onDrop` (with capacity 1 and `'drop-oldest'`, the
 * reader gets the latest item: Kotlin's `conflate`). Memory stays bounded by `capacity`; the
 * pump yields to the event loop now and then, so an always-ready source cannot starve timers.
 * A throw in `onDrop` fails the stream.
 *
 * End: the buffered items, then the end. Error: the buffered items first, then the error, as a Go
 * reader drains a channel before it sees it closed. Abort: the pending `next()` rejects with
 * `signal.reason` at once; buffered items are dropped. `break`: the pump stops, buffered items
 * are dropped and the source is returned, without waiting on a `next()` it is stuck in.
 *
 * @example
 * pipe(createReadStream(file), lines(), buffer(64), parallelMap(parse, { concurrency: 4 }), { signal });
 */
export function buffer<T>(capacity: number, options?: BufferOptions<T>): Stage<T, T> {
  assertCount('capacity', capacity, 1);
  const { overflow, onDrop } = overflowOptions(options, capacity);
  return engineStage(
    (source, { signal }) =>
      new BufferEngine(source as AsyncIterable<T>, signal, capacity, overflow, onDrop).outlet,
    // Carrying acknowledgements: a value a drop policy drops is done with, as a filtered one is.
    () => [
      buffer<Carried<T>>(capacity, {
        overflow,
        onDrop: (c) => {
          c.lease.release();
          onDrop?.(c.value);
        },
      }),
    ],
  );
}

/** A queue of `capacity` between one inlet and one outlet, filled while there is room. */
class BufferEngine<T> extends SourceEngine<T, T> {
  private readonly queue = new Fifo<T>();

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly capacity: number,
    private readonly overflow: Overflow = 'block',
    private readonly onDrop?: (value: T) => void,
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

  /**
   * A pull in flight counts as a slot: queued plus pulling never exceeds `capacity`. A dropping
   * buffer always pulls: it never makes its writer wait.
   */
  private readonly fill = (): void => {
    if (!this.closed && (this.overflow !== 'block' || this.queue.length < this.capacity)) this.inlet.pull();
  };

  override probe(): EngineProbe {
    return { queued: this.queue.length, capacity: this.capacity };
  }

  onItem(value: T): void {
    if (this.queue.length < this.capacity) this.queue.push(value);
    else {
      const dropped = dropInto(this.queue, this.overflow as 'drop-newest', value);
      try {
        this.onDrop?.(dropped);
      } catch (error) {
        return void this.close({ kind: 'error', error });
      }
      // A source that is always ready would otherwise keep this pump in microtasks for ever.
      if (!completesNow()) return later(this.fill);
    }
    this.fill();
    this.serve();
  }

  protected drop(): void {
    this.queue.clear();
  }
}
