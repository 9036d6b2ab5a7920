import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { TimeoutError } from '../core/errors.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import { assertDuration, assertOptions } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** Options of `timeout`. */
export interface TimeoutOptions {
  /** Milliseconds the first item may take (a slow start: a connection, a cold cache). @default ms */
  first?: number | undefined;
}

/**
 * Yields the source's values, and fails with a `TimeoutError` when the source takes longer than
 * `ms` to deliver an item that was asked for (`first` for the first item). Time counts only while
 * the consumer waits, from the moment the item is asked for: a slow consumer never trips it.
 * On a timeout the source is returned; one stuck in an `await` is abandoned, as the contract says
 * (its signal aborts, its `return()` is called without being waited on, the ledger shows it).
 * Reads one item ahead of demand. The timer is cleared on every exit path.
 *
 * @example
 * pipe(sensor.readings(), timeout(5_000, { first: 30_000 }), { signal });
 */
export function timeout<T>(ms: number, options: TimeoutOptions = {}): Stage<T, T> {
  assertDuration('ms', ms);
  assertOptions('options', options);
  const { first = ms } = options;
  assertDuration('first', first);
  return engineStage(
    (source, { signal }) => new TimeoutEngine<T>(source as AsyncIterable<T>, signal, ms, first).outlet,
  );
}

class TimeoutEngine<T> extends SourceEngine<T, T> {
  private timer: Timer | undefined;
  private delivered = false;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly ms: number,
    private readonly first: number,
  ) {
    super(source, signal, `timeout(${ms})`);
  }

  protected open(): void {}

  protected serve(): void {
    if (this.closed || this.endLikeSource()) return;
    if (this.inlet.pulling) return;
    const wait = this.delivered ? this.ms : this.first;
    this.timer ??= setTimer(this.expire, wait, this.label);
    this.inlet.pull();
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const which = this.delivered ? 'an item' : 'the first item';
    const wait = this.delivered ? this.ms : this.first;
    const error = new TimeoutError(
      `${this.label}: the source took longer than ${wait} ms to deliver ${which}`,
    );
    void this.close({ kind: 'error', error });
  };

  onItem(value: T): void {
    clearTimer(this.timer);
    this.timer = undefined;
    this.delivered = true;
    if (this.outlet.push(value)) this.serve();
  }

  override onEnd(): void {
    this.drop();
    super.onEnd();
  }

  override onError(error: unknown): void {
    this.drop();
    super.onError(error);
  }

  protected drop(): void {
    clearTimer(this.timer);
    this.timer = undefined;
  }
}
