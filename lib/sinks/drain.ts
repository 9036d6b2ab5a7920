import { assertOptions } from '../util/validate.js';
import { openForSink } from '../core/pipe.js';
import { ignoreValue } from '../util/deferred.js';
import type { SignalOptions, Source } from '../core/types.js';

/**
 * Reads a source to its end for its effects, keeping nothing. Abort and errors as `collect`.
 *
 * @example
 * await drain(pipe(jobs, map(run)), { signal });
 */
export async function drain(source: Source<unknown>, options: SignalOptions = {}): Promise<void> {
  assertOptions('options', options);
  await openForSink(source, options.signal).consume(ignoreValue);
}
