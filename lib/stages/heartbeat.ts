import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import { assertPositiveDuration } from '../util/validate.js';
import type { Beat, Stage } from '../core/types.js';

const BEAT: Beat<never> = Object.freeze({ type: 'beat' });

/**
 * The book's heartbeats: yields `{ type: 'value', value }` for each source value and
 * `{ type: 'beat' }` whenever the source has been silent for `interval` ms while a reader waits,
 * so a consumer can tell a slow stage (beats keep coming) from a dead one (nothing comes).
 *
 * Why this shape: an async iterable has one channel, not Go's two, so beats travel in band as a
 * tagged union a consumer switches on (or filters out); and a beat is owed only to someone
 * waiting, so the timer runs only while a `next()` is pending — a slow reader is not flooded
 * with stale beats, and no timer runs between reads. Values themselves prove liveness: a busy
 * source yields no beats. Beats come from this stage, so they say the pipeline is alive and
 * waiting on its upstream; the number of beats without a value says how long the upstream has
 * been silent, and the consumer decides when silence means dead (or puts the upstream under
 * `supervise` with a `timeout`, which restarts it).
 *
 * Reads one item ahead of demand at most: the upstream `next()` begun before a beat stays pending
 * across beats and delivers the next value. End: ends when the source ends. Error: a source error
 * ends it. Abort: the timer is cleared and the pending `next()` rejects with `signal.reason`.
 * `break`: the source is returned; no timer outlives the stage.
 *
 * @example
 * for await (const event of pipe(jobs, parallelMap(work), heartbeat(1_000), { signal })) {
 *   if (event.type === 'beat') console.log('still working');
 *   else console.log('result', event.value);
 * }
 */
export function heartbeat<T>(interval: number): Stage<T, Beat<T>> {
  assertPositiveDuration('interval', interval);
  return engineStage(
    (source, { signal }) => new HeartbeatEngine(source as AsyncIterable<T>, signal, interval).outlet,
  );
}

/** One inlet and one outlet, with a clock that runs only while a reader waits on a silent source. */
class HeartbeatEngine<T> extends SourceEngine<T, Beat<T>> {
  /** A value that came after its reader had been answered with a beat: the next reader's. */
  private held: { value: T } | undefined;
  private timer: Timer | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly interval: number,
  ) {
    super(source, signal, `heartbeat(${interval})`);
  }

  protected open(): void {}

  protected serve(): void {
    while (this.outlet.waiting && !this.closed) {
      const held = this.held;
      if (held !== undefined) {
        this.held = undefined;
        this.outlet.push({ type: 'value', value: held.value });
        continue;
      }
      if (this.endLikeSource()) return;
      // The pull begun before a beat stays pending across beats and delivers the next value.
      this.inlet.pull();
      if (this.held !== undefined) continue;
      if (this.inlet.pulling && this.timer === undefined) this.startTimer();
      return;
    }
  }

  onItem(value: T): void {
    this.clearTimer();
    this.held = { value };
    this.serve();
  }

  override onEnd(): void {
    this.clearTimer();
    super.onEnd();
  }

  override onError(error: unknown): void {
    this.clearTimer();
    super.onError(error);
  }

  protected drop(): void {
    this.clearTimer();
    this.held = undefined;
  }

  private startTimer(): void {
    this.timer = setTimer(
      () => {
        this.timer = undefined;
        if (this.outlet.waiting && !this.closed) this.outlet.push(BEAT);
        this.serve();
      },
      this.interval,
      this.label,
    );
  }

  private clearTimer(): void {
    clearTimer(this.timer);
    this.timer = undefined;
  }
}

export type { Beat };
