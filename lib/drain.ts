import { assertOptions } from './internal/validate.js';
import { openPipeline, pipe } from './pipe.js';
import { ignoreValue } from './internal/deferred.js';
import type { SignalOptions, Source } from './types.js';

/**
 * Reads a source to its end for its effects, keeping nothing. Abort and errors as `collect`.
 *
 * @example
 * await drain(pipe(jobs, map(run)), { signal });
 */
export async function drain(source: Source<unknown>, options: SignalOptions = {}): Promise<void> {
  assertOptions('options', options);
  await openPipeline(pipe(source, options)).consume(ignoreValue);
}
