import { assertFunction, assertOptions } from '../util/validate.js';
import { pipe } from '../core/pipe.js';
import { openPipeline } from '../core/pipeline.js';
import { ignoreValue } from '../util/deferred.js';
import { tap } from '../stages/tap.js';
import { named } from '../core/named.js';
import type { Callback, SignalOptions, Source } from '../core/types.js';

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
  // Named: a meter reports the callback as `forEach`, not as the `tap` it runs in.
  await openPipeline(pipe(source, named('forEach', tap(fn)), options)).consume(ignoreValue);
}
