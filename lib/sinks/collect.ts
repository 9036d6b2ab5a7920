import { assertOptions } from '../util/validate.js';
import { openForSink } from '../core/pipe.js';
import type { SignalOptions, Source } from '../core/types.js';

/**
 * Reads a source to its end and resolves every value in an array. Abort rejects with
 * `signal.reason` once the source's stages have cleaned up; a source error rejects with it.
 *
 * @example
 * const squares = await collect(pipe(range(0, 4), map((n) => n * n)), { signal });
 */
export async function collect<T>(source: Source<T>, options: SignalOptions = {}): Promise<T[]> {
  assertOptions('options', options);
  const values: T[] = [];
  await openForSink(source, options.signal).consume((value) => void values.push(value));
  return values;
}
