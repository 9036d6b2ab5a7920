import { describe } from '../util/validate.js';
import { pipe, type Pipeline } from '../core/pipe.js';
import type { Source } from '../core/types.js';

/**
 * Go's or-done channel: reads `source` until `signal` aborts. Abort rejects the pending `next()`
 * with `signal.reason` at once, even if the source is stuck in an `await`; the source is then
 * returned without waiting on it.
 *
 * @example
 * for await (const line of withSignal(lines, AbortSignal.timeout(1_000))) console.log(line);
 */
export function withSignal<T>(source: Source<T>, signal: AbortSignal): Pipeline<T> {
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  }
  return pipe(source, { signal });
}
