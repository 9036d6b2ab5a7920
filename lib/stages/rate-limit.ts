import { RateLimiter, type RateLimiterOptions } from '../flow/rate-limiter.js';
import { implStage } from '../core/define-stage.js';
import { assertOptions, describe } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** Options of `rateLimit`: a limit of its own, or a `limiter` shared with other stages and callbacks. */
export type RateLimitOptions =
  | (RateLimiterOptions & { limiter?: undefined })
  | { limiter: RateLimiter; limit?: undefined; interval?: undefined; burst?: undefined };

/**
 * The book's rate limiter as a stage: yields every item, in order, but never more than `limit`
 * in any window of `interval` ms; an item that would exceed it waits (nothing is dropped; for a
 * lossy limit see `throttle`). Chaining two stages makes the multi-tier limiter, e.g. per second
 * and per minute. With `{ limiter }`, every item waits on that shared `RateLimiter` instead, so
 * several stages and callbacks share one budget; without it, each run of the pipeline has a
 * limiter of its own. The algorithm is `RateLimiter`'s: a GCRA token bucket plus a sliding window.
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
  const { limiter } = options;
  if (limiter !== undefined) {
    if (!(limiter instanceof RateLimiter))
      throw new TypeError(`Expected \`limiter\` to be a RateLimiter, got ${describe(limiter)}`);
    if (options.limit !== undefined || options.interval !== undefined || options.burst !== undefined)
      throw new TypeError('Expected either `limiter` or `limit`, `interval` and `burst`, not both');
  } else new RateLimiter(options); // validates at build time
  return implStage((source, { signal }) =>
    limited(source as AsyncIterable<T>, signal, limiter ?? new RateLimiter(options as RateLimiterOptions)),
  );
}

async function* limited<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  limiter: RateLimiter,
): AsyncGenerator<T> {
  for await (const value of source) {
    await limiter.wait({ signal });
    yield value;
  }
}
