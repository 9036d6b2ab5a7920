import { assertFunction } from '../util/validate.js';
import type { Result } from '../core/types.js';

/**
 * Wraps `fn` so that it resolves a `Result` instead of throwing: `{ ok: true, value }` when it
 * returns or fulfils, `{ ok: false, error }` when it throws (synchronously too) or rejects. Use it
 * where an error should be a value rather than end the stream. An abort is an error like any other:
 * a callback that rejects with `signal.reason` yields `{ ok: false, error: signal.reason }`.
 *
 * @example
 * const statuses = await collect(pipe(urls, parallelMap(attempt(fetchStatus), { concurrency: 4 })));
 */
export function attempt<A extends unknown[], R>(
  fn: (...args: A) => R,
): (...args: A) => Promise<Result<Awaited<R>>> {
  assertFunction('fn', fn);
  return async (...args: A): Promise<Result<Awaited<R>>> => {
    try {
      return { ok: true, value: await fn(...args) };
    } catch (error) {
      return { ok: false, error };
    }
  };
}
