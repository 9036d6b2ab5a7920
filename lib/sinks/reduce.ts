import { assertOptions } from '../util/validate.js';
import { pipe } from '../core/pipe.js';
import { openPipeline } from '../core/pipeline.js';
import { scan } from '../stages/scan.js';
import type { CallbackContext, SignalOptions, Source } from '../core/types.js';

/**
 * Reads a source to its end and resolves the final accumulator: `acc = fn(acc, value, { signal,
 * index })` from `seed`, each promise awaited in order; `seed` itself for an empty source. A throw
 * or rejection in `fn` or a source error rejects with it after cleanup; abort rejects with
 * `signal.reason` and aborts the `signal` of the call in flight.
 *
 * @example
 * const bytes = await reduce(files, (total, file) => total + file.size, 0, { signal });
 */
export async function reduce<T, A>(
  source: Source<T>,
  fn: (acc: A, value: T, context: CallbackContext) => A | PromiseLike<A>,
  seed: A,
  options: SignalOptions = {},
): Promise<A> {
  assertOptions('options', options);
  let acc = seed;
  await openPipeline(pipe(source, scan(fn, seed), options)).consume((value) => void (acc = value));
  return acc;
}
