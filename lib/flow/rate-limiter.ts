import { onAbort } from '../util/abort.js';
import { clearTimer, now, setTimer, type Timer } from '../util/timers.js';
import { assertCount, assertDuration, assertOptions, describe, signalOption } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

/** Options of `new RateLimiter` (and of `rateLimit` without a `limiter`). */
export interface RateLimiterOptions {
  /** Most units let through in any window of `interval` ms. */
  limit: number;
  /** Length of the window, in milliseconds. @default 1000 */
  interval?: number | undefined;
  /**
   * How many units may pass back to back, between 1 and `limit`. Below `limit`, the rest of each
   * window is spread out: `burst: 1` lets one unit through every `interval / limit` ms.
   * @default limit
   */
  burst?: number | undefined;
}

/** Options of `RateLimiter.wait`. */
export interface RateLimiterWaitOptions extends SignalOptions {
  /** Units this call takes, between 1 and `burst`. @default 1 */
  cost?: number | undefined;
}

interface Waiter {
  readonly cost: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  removeListener: (() => void) | undefined;
}

/**
 * A rate limit shared by stages, callbacks and `retry` (Go's `rate.Limiter`): `wait()` resolves
 * when the caller may go, and never more than `limit` units pass in any window of `interval` ms.
 *
 * Two rules hold together. A token bucket of `burst` tokens refilled continuously at
 * `limit / interval` per ms (computed as GCRA) spaces calls out, and the times of the last `limit`
 * units are kept so that no sliding window holds more than `limit` (a bucket alone would allow
 * `burst + limit - 1` in one window). Time counts from each call's release. Waiters are served
 * first in, first out, so a costly call is not starved by cheap ones; one timer runs, for the
 * first waiter, only while someone waits.
 *
 * Abort: the waiter leaves the queue, takes nothing, and `wait` rejects with `signal.reason`; an
 * already-aborted signal rejects at once.
 *
 * @example
 * const api = new RateLimiter({ limit: 10, interval: 1_000 });
 * await api.wait({ signal });
 * await fetch(url, { signal });
 */
export class RateLimiter {
  readonly limit: number;
  readonly interval: number;
  readonly burst: number;
  readonly #spacing: number;
  readonly #tolerance: number;
  // GCRA's theoretical arrival time: when the bucket would be full again.
  #arrival = -Infinity;
  // The times of the last `limit` units, a ring grown on demand; `#oldest` indexes the earliest.
  readonly #times: number[] = [];
  #oldest = 0;
  // Insertion-ordered: the first entry is the head of the line; deleting one is O(1).
  readonly #waiters = new Set<Waiter>();
  #timer: Timer | undefined;

  constructor(options: RateLimiterOptions) {
    assertOptions('options', options);
    if (options === undefined)
      throw new TypeError('Expected `options` to be an options object, got undefined');
    const { limit, interval = 1000, burst = limit } = options;
    assertCount('limit', limit, 1);
    assertDuration('interval', interval);
    assertCount('burst', burst, 1);
    if (burst > limit)
      throw new RangeError(
        `Expected \`burst\` to be an integer between 1 and \`limit\` (${limit}), got ${describe(burst)}`,
      );
    this.limit = limit;
    this.interval = interval;
    this.burst = burst;
    this.#spacing = interval / limit;
    this.#tolerance = (burst - 1) * this.#spacing;
  }

  /** Resolves once `cost` units may pass, after every earlier waiter. */
  wait(options: RateLimiterWaitOptions = {}): Promise<void> {
    const signal = signalOption(options);
    const { cost = 1 } = options;
    this.#checkCost(cost);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.size === 0 && this.#delay(now(), cost) <= 0) {
      this.#take(now(), cost);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { cost, resolve, reject, removeListener: undefined };
      this.#waiters.add(waiter);
      if (signal)
        waiter.removeListener = onAbort(
          signal,
          () => {
            this.#waiters.delete(waiter);
            reject(signal.reason);
            // The head may have left: the next one has its own delay.
            clearTimer(this.#timer);
            this.#timer = undefined;
            this.#pump();
          },
          'RateLimiter.wait',
        );
      this.#pump();
    });
  }

  #checkCost(cost: unknown): asserts cost is number {
    assertCount('cost', cost, 1);
    if (cost > this.burst)
      throw new RangeError(
        `Expected \`cost\` to be an integer between 1 and \`burst\` (${this.burst}), got ${describe(cost)}`,
      );
  }

  /** Serves waiters in order while the limit allows; sets one timer for the first that must wait. */
  #pump(): void {
    if (this.#timer !== undefined) return;
    for (const waiter of this.#waiters) {
      const wait = this.#delay(now(), waiter.cost);
      if (wait > 0) {
        // Whole milliseconds, rounded up: a timer can only make a call later, never early.
        this.#timer = setTimer(
          () => {
            this.#timer = undefined;
            this.#pump();
          },
          Math.ceil(wait),
          'RateLimiter.wait',
        );
        return;
      }
      this.#waiters.delete(waiter);
      waiter.removeListener?.();
      this.#take(now(), waiter.cost);
      waiter.resolve();
    }
  }

  /** How long `cost` units must wait at `time`: the later of the bucket's and the window's answer. */
  #delay(time: number, cost: number): number {
    const bucket = this.#arrival + (cost - 1) * this.#spacing - this.#tolerance - time;
    // The `mustLeave` oldest of the last `limit` units have to be out of the window.
    const mustLeave = this.#times.length - (this.limit - cost);
    const window =
      mustLeave <= 0
        ? 0
        : this.#times[(this.#oldest + mustLeave - 1) % this.#times.length] + this.interval - time;
    return Math.max(bucket, window);
  }

  #take(time: number, cost: number): void {
    this.#arrival = Math.max(this.#arrival, time) + cost * this.#spacing;
    const times = this.#times;
    for (let i = 0; i < cost; i++) {
      if (times.length < this.limit) times.push(time);
      else {
        times[this.#oldest] = time;
        this.#oldest = (this.#oldest + 1) % this.limit;
      }
    }
  }
}
