import type { EngineProbe } from '../core/gauge.js';
import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import {
  assertCount,
  assertDuration,
  assertFinite,
  assertFunction,
  assertOptions,
  describe,
} from '../util/validate.js';
import type { Stage } from '../core/types.js';
import { BatchLease, type Carried } from '../core/lease.js';
import { map } from './map.js';

/** Options of `batch`. */
export interface BatchOptions<T = unknown> {
  /**
   * Milliseconds a short, non-empty batch may wait for more items, counted from its first item;
   * then it is yielded as it is. @default undefined (wait until `size` items or the end)
   */
  maxWait?: number | undefined;
  /** The weight of an item (bytes, rows…), with `maxWeight`; a sync function. @default undefined */
  weigh?: ((value: T) => number) | undefined;
  /**
   * Most total weight of a batch: a batch is yielded once its weight reaches `maxWeight`, and an
   * item that would take it past is kept for the next batch; an item heavier than `maxWeight` is a
   * batch of one. Needs `weigh`. @default Infinity
   */
  maxWeight?: number | undefined;
}

/**
 * Yields arrays of `size` items, in order; the last one may be shorter. Reads one item at a time,
 * only while the consumer waits for a batch, so at most one item beyond the batch being filled.
 * With `maxWait`, a batch is yielded early once `maxWait` ms have passed since its first item;
 * a pull still pending then is kept for the next batch, never repeated. With `weigh` and
 * `maxWeight`, a batch is also yielded once its total `weigh(value)` reaches `maxWeight`; an item
 * that would take a non-empty batch past it starts the next batch instead, so a batch exceeds
 * `maxWeight` only when it is one item heavier than that. A throw in `weigh`, or a weight that is
 * not a finite number ≥ 0, fails the stage.
 *
 * End: the partial batch, then the end. Error: the partial batch, then the error. Abort: the
 * pending `next()` rejects with `signal.reason` at once; the partial batch is dropped. `break`:
 * the partial batch is dropped and the source returned. The `maxWait` timer is cleared on every
 * path and never outlives the stage.
 *
 * @example
 * pipe(events, batch(100, { maxWait: 50 }), map((rows) => db.insert(rows)), { signal });
 * pipe(messages, batch(500, { weigh: (m) => m.bytes.length, maxWeight: 1_000_000 })); // ≤ 1 MB a batch
 */
export function batch<T>(size: number, options: BatchOptions<T> = {}): Stage<T, T[]> {
  assertCount('size', size, 1);
  assertOptions('options', options);
  const { maxWait, weigh, maxWeight } = options;
  if (maxWait !== undefined) assertDuration('maxWait', maxWait);
  const weights = weightOptions(weigh, maxWeight);
  return engineStage(
    (source, { signal }) =>
      new BatchEngine(source as AsyncIterable<T>, signal, size, maxWait, weights).outlet,
    // Carrying acknowledgements: a batch holds its items' leases until the batch is done with.
    () => [
      batch<Carried<T>>(size, { maxWait, weigh: weigh && ((c) => weigh(c.value)), maxWeight }),
      map((items: Carried<T>[]) => ({
        value: items.map((c) => c.value),
        lease: new BatchLease(items.map((c) => c.lease)),
      })),
    ],
  );
}

/** `weigh` and `maxWeight` go together: one without the other is a mistake, said at once. */
function weightOptions<T>(
  weigh: ((value: T) => number) | undefined,
  maxWeight: number | undefined,
): Weights<T> | undefined {
  if (weigh === undefined && maxWeight === undefined) return undefined;
  if (maxWeight === undefined)
    throw new TypeError(
      'Expected `maxWeight` to be a finite number > 0 when `weigh` is given, got undefined',
    );
  assertFunction('weigh', weigh);
  assertFinite('maxWeight', maxWeight, 0);
  if (maxWeight <= 0)
    throw new RangeError(`Expected \`maxWeight\` to be a finite number > 0, got ${maxWeight}`);
  return { weigh, maxWeight };
}

interface Weights<T> {
  readonly weigh: (value: T) => number;
  readonly maxWeight: number;
}

/** Items gathered from one inlet into arrays for one outlet, with an optional `maxWait` clock. */
class BatchEngine<T> extends SourceEngine<T, T[]> {
  private items: T[] = [];
  private expired = false;
  private timer: Timer | undefined;
  private weight = 0;
  /** The batch reached `maxWeight`, or the item in `carry` would take it past. */
  private full = false;
  private carry: { value: T; weight: number } | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly size: number,
    private readonly maxWait: number | undefined,
    private readonly weights: Weights<T> | undefined,
  ) {
    super(source, signal, `batch(${size})`);
  }

  protected open(): void {}

  protected serve(): void {
    while (this.outlet.waiting && !this.closed) {
      const { items } = this;
      const last = this.ended || this.failure !== undefined;
      if (items.length >= this.size || this.full || (items.length > 0 && (this.expired || last))) {
        this.items = [];
        this.clearTimer();
        this.expired = this.full = false;
        this.weight = 0;
        const carry = this.carry;
        this.carry = undefined;
        if (carry) this.add(carry.value, carry.weight);
        this.outlet.push(items);
        continue;
      }
      // A pull still pending at a maxWait flush is kept for the next batch, never doubled.
      if (!this.endLikeSource()) this.inlet.pull();
      return;
    }
  }

  onItem(value: T): void {
    if (this.weights === undefined) this.add(value, 0);
    else {
      let weight: number;
      try {
        weight = this.weights.weigh(value);
        if (typeof weight !== 'number' || !(weight >= 0 && weight < Infinity))
          throw new TypeError(`Expected \`weigh\` to return a finite number ≥ 0, got ${describe(weight)}`);
      } catch (error) {
        void this.close({ kind: 'error', error });
        return;
      }
      // An item that would take a non-empty batch past `maxWeight` starts the next one.
      if (this.items.length > 0 && this.weight + weight > this.weights.maxWeight) {
        this.carry = { value, weight };
        this.full = true;
      } else this.add(value, weight);
    }
    this.serve();
  }

  override probe(): EngineProbe {
    return { queued: this.items.length, capacity: this.size };
  }

  private add(value: T, weight: number): void {
    if (this.items.push(value) === 1 && this.maxWait !== undefined) this.startTimer(this.maxWait);
    this.weight += weight;
    if (this.weights !== undefined && this.weight >= this.weights.maxWeight) this.full = true;
  }

  protected drop(): void {
    this.clearTimer();
    this.items = [];
    this.carry = undefined;
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
