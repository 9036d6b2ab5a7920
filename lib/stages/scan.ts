import { fusedStage } from '../core/define-stage.js';
import { SCAN } from '../core/ops.js';
import { assertFunction } from '../util/validate.js';
import type { CallbackContext, Stage } from '../core/types.js';

/**
 * Yields each accumulated value: `acc = fn(acc, value, { signal, index })`, starting from `seed`
 * (a returned promise is awaited), in order. Fused with its neighbours like `map`; reads one item
 * ahead of demand. Each pipeline built from the stage starts again from `seed`. A throw or
 * rejection in `fn` ends the pipeline with that error; abort and `break` abort the `signal` of the
 * call in flight and return the source.
 *
 * @example
 * pipe(orders, scan((total, order) => total + order.amount, 0)); // running totals
 */
export function scan<T, A>(
  fn: (acc: A, value: T, context: CallbackContext) => A | PromiseLike<A>,
  seed: A,
): Stage<T, A> {
  assertFunction('fn', fn);
  return fusedStage({ kind: SCAN, fn, seed });
}
