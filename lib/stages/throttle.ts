import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { clearTimer, now, setTimer, type Timer } from '../util/timers.js';
import { assertBoolean, assertDuration, assertOptions } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** Options of `throttle`. */
export interface ThrottleOptions {
  /** Yield a value that arrives after a quiet `ms` at once. @default true */
  leading?: boolean | undefined;
  /** Keep the latest value that arrives too soon, and yield it as soon as `ms` have passed. @default true */
  trailing?: boolean | undefined;
}

/**
 * Yields at most one value per `ms`: the time between two values it hands over is never below
 * `ms`; values that come too soon are dropped, but with `trailing` the latest of them is yielded
 * once `ms` have passed. Lossy: contrast `rateLimit`, which delays every value and drops none.
 *
 * The source is read while no value waits for the reader, so it is read at most one item past a
 * value the reader has not taken (a newer due value replaces it). A timer runs only while a
 * trailing value waits for its turn.
 *
 * End: a trailing value still waiting is yielded when its turn comes, then the end. Error: a due
 * value is handed over first, a trailing one is dropped, then the error. Abort: the timer is
 * cleared and the pending `next()` rejects with `signal.reason`. `break`: the source is returned;
 * no timer remains.
 *
 * @example
 * for await (const position of pipe(fromEvents(window, 'scroll'), throttle(100))) render(position);
 */
export function throttle<T>(ms: number, options: ThrottleOptions = {}): Stage<T, T> {
  assertDuration('ms', ms);
  assertOptions('options', options);
  const { leading = true, trailing = true } = options;
  assertBoolean('leading', leading);
  assertBoolean('trailing', trailing);
  if (!leading && !trailing)
    throw new RangeError(
      'Expected `leading` or `trailing` to be true, got both false: nothing would be yielded',
    );
  return engineStage(
    (source, { signal }) =>
      new ThrottleEngine(source as AsyncIterable<T>, signal, ms, leading, trailing).outlet,
  );
}

class ThrottleEngine<T> extends SourceEngine<T, T> {
  /** When the last value was handed over. */
  private last = -Infinity;
  /** A value whose turn has come, for the reader. */
  private due: { value: T } | undefined;
  /** The latest value that came too soon, and the timer of its turn. */
  private held: { value: T } | undefined;
  private timer: Timer | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly ms: number,
    private readonly leading: boolean,
    private readonly trailing: boolean,
  ) {
    super(source, signal, `throttle(${ms})`);
  }

  protected open(): void {
    this.inlet.pull();
  }

  protected serve(): void {
    if (this.closed) return;
    const due = this.due;
    if (due !== undefined && this.outlet.waiting) {
      const time = now();
      // A due value taken late moved `last`: one due after it waits its turn, as held values do.
      if (time - this.last < this.ms) {
        if (this.timer === undefined) this.schedule(this.last + this.ms);
        return;
      }
      this.due = undefined;
      this.last = time;
      this.outlet.push(due.value);
    }
    if (this.due !== undefined) return; // read no further until the reader takes it
    if (this.failure) {
      this.dropHeld();
      this.endLikeSource();
    } else if (this.ended) {
      if (this.held === undefined) this.endLikeSource();
    } else this.inlet.pull();
  }

  onItem(value: T): void {
    const time = now();
    if (this.leading && this.held === undefined && time - this.last >= this.ms) this.due = { value };
    else if (this.trailing) {
      // Without `leading`, a value's turn comes `ms` after the first one held, at the earliest.
      if (this.held === undefined)
        this.schedule(Math.max(this.last, this.leading ? -Infinity : time) + this.ms);
      this.held = { value };
    }
    this.serve();
  }

  private schedule(at: number): void {
    // Whole milliseconds, rounded up: a timer can only make a value later, never early.
    this.timer = setTimer(this.turn, Math.max(0, Math.ceil(at - now())), this.label);
  }

  private readonly turn = (): void => {
    this.timer = undefined;
    if (this.held !== undefined) this.due = this.held;
    this.held = undefined;
    this.serve();
  };

  private dropHeld(): void {
    clearTimer(this.timer);
    this.timer = undefined;
    this.held = undefined;
  }

  protected drop(): void {
    this.dropHeld();
    this.due = undefined;
  }
}
