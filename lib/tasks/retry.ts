import { RetryError } from '../core/errors.js';
import { after } from './after.js';
import { RateLimiter } from '../flow/rate-limiter.js';
import {
  assertBoolean,
  assertCount,
  assertDuration,
  assertFinite,
  assertFunction,
  assertOptions,
  assertSignal,
  describe,
} from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

export interface RetryOptions extends SignalOptions {
  /** Tries after the first one; `Infinity` retries until success or abort. @default 3 */
  retries?: number | undefined;
  /** Delay before the first retry, in ms. @default 100 */
  minDelay?: number | undefined;
  /** Cap on any delay, in ms. @default 10_000 */
  maxDelay?: number | undefined;
  /** Growth of the delay per retry: `minDelay * factor ** (retry - 1)`, capped. @default 2 */
  factor?: number | undefined;
  /** Full jitter: wait a uniformly random time in [0, delay] instead of the delay itself. @default true */
  jitter?: boolean | undefined;
  /**
   * Whether an error is worth another try; `false` stops at once and rethrows that error itself.
   * @default () => true
   */
  shouldRetry?: ((error: unknown, attempt: number) => boolean) | undefined;
  /** A shared `RateLimiter` that every attempt, the first included, waits on before it starts. */
  limiter?: RateLimiter | undefined;
}

/**
 * Calls `fn(signal, attempt)` (attempt counts from 1) until it fulfils, waiting an exponentially
 * growing, jittered delay between tries, and resolves its value. An error for which `shouldRetry`
 * says no is rethrown as it is (the same object, so `instanceof` holds); after the last try, it
 * rejects with a `RetryError` carrying the last error as `cause` and the number of tries as
 * `attempts`. With a `limiter`, each try first waits on it. Abort, during a try, a delay or a
 * limiter's wait, rejects with `signal.reason` (the
 * same object) and clears the delay's timer; an abort during a try waits for that try to settle
 * and rejects even if it fulfils. An already-aborted signal rejects before `fn` is called.
 *
 * @example
 * const body = await retry((signal) => fetch(url, { signal }).then((r) => r.json()), { retries: 5, signal });
 */
export function retry<T>(
  fn: (signal: AbortSignal, attempt: number) => T | PromiseLike<T>,
  options: RetryOptions = {},
): Promise<Awaited<T>> {
  assertFunction('fn', fn);
  assertOptions('options', options);
  const {
    retries = 3,
    minDelay = 100,
    maxDelay = 10_000,
    factor = 2,
    jitter = true,
    shouldRetry = () => true,
    limiter,
    signal,
  } = options;
  assertCount('retries', retries, 0, true);
  assertDuration('minDelay', minDelay);
  assertDuration('maxDelay', maxDelay);
  if (maxDelay < minDelay)
    throw new RangeError(
      `Expected \`maxDelay\` to be ≥ \`minDelay\` (${minDelay}), got ${describe(maxDelay)}`,
    );
  assertFinite('factor', factor, 1);
  assertBoolean('jitter', jitter);
  assertFunction('shouldRetry', shouldRetry);
  if (limiter !== undefined && !(limiter instanceof RateLimiter))
    throw new TypeError(`Expected \`limiter\` to be a RateLimiter, got ${describe(limiter)}`);
  assertSignal('signal', signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  const taskSignal = signal ?? new AbortController().signal;

  const loop = async (): Promise<Awaited<T>> => {
    for (let attempt = 1; ; attempt++) {
      if (limiter !== undefined) await limiter.wait({ signal });
      try {
        const value = await fn(taskSignal, attempt);
        // An abort during the try wins even if the try then fulfils: the caller asked to stop.
        if (signal?.aborted) throw signal.reason;
        return value;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!shouldRetry(error, attempt)) throw error;
        if (attempt > retries) throw new RetryError(error, attempt);
      }
      const delay = Math.min(maxDelay, minDelay * factor ** (attempt - 1));
      await after(jitter ? Math.random() * delay : delay, { signal });
    }
  };
  return loop();
}
