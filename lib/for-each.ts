import { assertFunction, assertOptions } from './internal/validate.js';
import { openPipeline, pipe } from './pipe.js';
import { ignoreValue } from './internal/deferred.js';
import { tap } from './tap.js';
import type { Callback, SignalOptions, Source } from './types.js';

/**
 * Calls `fn(value, { signal, index })` for each value in order, awaiting each promise, and
 * resolves when the source ends. A throw or rejection in `fn` rejects after cleanup; abort rejects
 * with `signal.reason` and aborts the `signal` of the call in flight.
 *
 * @example
 * await forEach(pipe(range(0, 3)), (n) => console.log(n), { signal });
 */
export async function forEach<T>(
  source: Source<T>,
  fn: Callback<T, unknown>,
  options: SignalOptions = {},
): Promise<void> {
  assertFunction('fn', fn);
  assertOptions('options', options);
  await openPipeline(pipe(source, tap(fn), options)).consume(ignoreValue);
}
