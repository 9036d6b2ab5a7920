import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import { assertDuration } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/**
 * Yields a value once `ms` pass with no newer value from the source (a search box that waits
 * for the user to stop typing); a value followed by another within `ms` is dropped. Lossy by
 * design: for every value, delayed, see `rateLimit`.
 *
 * The source is read while no quiet value waits for the reader, so it is read at most one item
 * past a value the reader has not taken; a value that falls quiet meanwhile replaces it (the
 * latest wins). A timer runs only while a value waits to fall quiet.
 *
 * End: the last value is flushed at once, then the end. Error: a value already quiet is handed
 * over first, one still waiting is dropped, then the error. Abort: the timer is cleared and the
 * pending `next()` rejects with `signal.reason`. `break`: the source is returned; no timer remains.
 *
 * @example
 * for await (const query of pipe(fromEvents(input, 'input'), map(readValue), debounce(300))) search(query);
 */
export function debounce<T>(ms: number): Stage<T, T> {
  assertDuration('ms', ms);
  return engineStage(
    (source, { signal }) => new DebounceEngine(source as AsyncIterable<T>, signal, ms).outlet,
  );
}

class DebounceEngine<T> extends SourceEngine<T, T> {
  /** The latest value, waiting for `ms` of quiet. */
  private waiting: { value: T } | undefined;
  /** A quiet value for the reader. */
  private due: { value: T } | undefined;
  private timer: Timer | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly ms: number,
  ) {
    super(source, signal, `debounce(${ms})`);
  }

  protected open(): void {
    this.inlet.pull();
  }

  protected serve(): void {
    if (this.closed) return;
    const due = this.due;
    if (due !== undefined && this.outlet.waiting) {
      this.due = undefined;
      this.outlet.push(due.value);
    }
    if (this.due !== undefined) return; // read no further until the reader takes it
    if (this.ended || this.failure) {
      // At the end the waiting value is flushed; an error drops it.
      const last = this.ended ? this.waiting : undefined;
      this.waiting = undefined;
      if (last !== undefined) {
        this.due = last;
        return this.serve();
      }
      this.endLikeSource();
      return;
    }
    this.inlet.pull();
  }

  onItem(value: T): void {
    clearTimer(this.timer);
    this.waiting = { value };
    this.timer = setTimer(this.quiet, this.ms, this.label);
    this.serve();
  }

  private readonly quiet = (): void => {
    this.timer = undefined;
    this.due = this.waiting;
    this.waiting = undefined;
    this.serve();
  };

  override onEnd(): void {
    clearTimer(this.timer);
    this.timer = undefined;
    super.onEnd();
  }

  override onError(error: unknown): void {
    clearTimer(this.timer);
    this.timer = undefined;
    super.onError(error);
  }

  protected drop(): void {
    clearTimer(this.timer);
    this.timer = undefined;
    this.waiting = this.due = undefined;
  }
}
