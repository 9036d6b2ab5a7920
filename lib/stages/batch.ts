import { implStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import { assertCount, assertDuration, assertOptions } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** Options of `batch`. */
export interface BatchOptions {
  /**
   * Milliseconds a short, non-empty batch may wait for more items, counted from its first item;
   * then it is yielded as it is. @default undefined (wait until `size` items or the end)
   */
  maxWait?: number | undefined;
}

/**
 * Yields arrays of `size` items, in order; the last one may be shorter. Reads one item at a time,
 * only while the consumer waits for a batch, so at most one item beyond the batch being filled.
 * With `maxWait`, a batch is yielded early once `maxWait` ms have passed since its first item;
 * a pull still pending then is kept for the next batch, never repeated.
 *
 * End: the partial batch, then the end. Error: the partial batch, then the error. Abort: the
 * pending `next()` rejects with `signal.reason` at once; the partial batch is dropped. `break`:
 * the partial batch is dropped and the source returned. The `maxWait` timer is cleared on every
 * path and never outlives the stage.
 *
 * @example
 * pipe(events, batch(100, { maxWait: 50 }), map((rows) => db.insert(rows)), { signal });
 */
export function batch<T>(size: number, options: BatchOptions = {}): Stage<T, T[]> {
  assertCount('size', size, 1);
  assertOptions('options', options);
  const { maxWait } = options;
  if (maxWait !== undefined) assertDuration('maxWait', maxWait);
  return implStage(
    (source, { signal }) => new BatchEngine(source as AsyncIterable<T>, signal, size, maxWait).outlet,
  );
}

/** Items gathered from one inlet into arrays for one outlet, with an optional `maxWait` clock. */
class BatchEngine<T> extends SourceEngine<T, T[]> {
  private items: T[] = [];
  private expired = false;
  private timer: Timer | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly size: number,
    private readonly maxWait: number | undefined,
  ) {
    super(source, signal, `batch(${size})`);
  }

  protected open(): void {}

  protected serve(): void {
    while (this.outlet.waiting && !this.closed) {
      const { items } = this;
      const last = this.ended || this.failure !== undefined;
      if (items.length >= this.size || (items.length > 0 && (this.expired || last))) {
        this.items = [];
        this.clearTimer();
        this.expired = false;
        this.outlet.push(items);
        continue;
      }
      // A pull still pending at a maxWait flush is kept for the next batch, never doubled.
      if (!this.endLikeSource()) this.inlet.pull();
      return;
    }
  }

  onItem(value: T): void {
    if (this.items.push(value) === 1 && this.maxWait !== undefined) this.startTimer(this.maxWait);
    this.serve();
  }

  protected drop(): void {
    this.clearTimer();
    this.items = [];
  }

  private startTimer(wait: number): void {
    this.timer = setTimer(
      () => {
        this.timer = undefined;
        this.expired = true;
        this.serve();
      },
      wait,
      `batch maxWait(${wait})`,
    );
  }

  private clearTimer(): void {
    clearTimer(this.timer);
    this.timer = undefined;
  }
}
