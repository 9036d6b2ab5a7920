import { assertSignal } from '../util/validate.js';
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
  assertSignal('signal', signal, true);
  return pipe(source, { signal });
}
