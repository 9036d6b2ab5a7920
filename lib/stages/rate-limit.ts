import { after } from '../tasks/after.js';
import { implStage } from '../core/define-stage.js';
import { assertCount, assertDuration, assertOptions } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** Options of `rateLimit`. */
export interface RateLimitOptions {
  /** Most items let through in any window of `interval` ms. */
  limit: number;
  /** Length of the window, in milliseconds. @default 1000 */
  interval?: number | undefined;
  /**
   * How many items may pass back to back, between 1 and `limit`. Below `limit`, the rest of each
   * window is spread out: `burst: 1` lets one item through every `interval / limit` ms.
   * @default limit
   */
  burst?: number | undefined;
}

/**
 * The book's rate limiter as a stage: yields every item, in order, but never more than `limit`
 * in any window of `interval` ms; an item that would exceed it waits (nothing is dropped).
 * Chaining two stages makes the multi-tier limiter, e.g. per second and per minute.
 *
 * Two rules hold together. A token bucket of `burst` tokens refilled continuously at
 * `limit / interval` per ms (Go's `rate.Limiter`, computed as GCRA) spaces items out, and the
 * times of the last `limit` items are kept so that no sliding window holds more than `limit`
 * (a bucket alone would allow `burst + limit - 1` in one window). Time counts from each yield.
 *
 * Reads one item at the consumer's request and holds it while it waits, so it is never ahead of
 * demand. End: ends when the source ends. Error: a source error ends it at once. Abort: the wait
 * is cleared and the pending `next()` rejects with `signal.reason`. `break`: the source is
 * returned and no timer remains.
 *
 * @example
 * // At most 2 calls a second and 10 a minute:
 * pipe(requests, rateLimit({ limit: 2, interval: 1_000, burst: 1 }), rateLimit({ limit: 10, interval: 60_000 }));
 */
export function rateLimit<T>(options: RateLimitOptions): Stage<T, T> {
  assertOptions('options', options);
  if (options === undefined) throw new TypeError('Expected `options` to be an options object, got undefined');
  const { limit, interval = 1000, burst = limit } = options;
  assertCount('limit', limit, 1);
  assertDuration('interval', interval);
  assertCount('burst', burst, 1);
  if (burst > limit) {
    throw new RangeError(
      `Expected \`burst\` to be an integer between 1 and \`limit\` (${limit}), got ${burst}`,
    );
  }
  return implStage((source, { signal }) => limited(source, signal, limit, interval, burst));
}

async function* limited<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  limit: number,
  interval: number,
  burst: number,
): AsyncGenerator<T> {
  const spacing = interval / limit;
  const tolerance = (burst - 1) * spacing;
  // GCRA's theoretical arrival time: when the bucket would be full again.
  let arrival = -Infinity;
  // The times of the last `limit` items, a ring grown on demand; `oldest` indexes the earliest.
  const times: number[] = [];
  let oldest = 0;
  const delay = (now: number): number => {
    const bucket = arrival - tolerance - now;
    const window = times.length < limit ? 0 : times[oldest] + interval - now;
    return Math.max(bucket, window);
  };
  for await (const value of source) {
    // Whole milliseconds, rounded up: a timer can only make an item later, never early.
    for (let wait = delay(performance.now()); wait > 0; wait = delay(performance.now())) {
      await after(Math.ceil(wait), { signal });
    }
    const now = performance.now();
    arrival = Math.max(arrival, now) + spacing;
    if (times.length < limit) times.push(now);
    else {
      times[oldest] = now;
      oldest = (oldest + 1) % limit;
    }
    yield value;
  }
}
