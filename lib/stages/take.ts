import { fusedStage } from '../core/define-stage.js';
import { TAKE } from '../core/ops.js';
import { assertCount } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/**
 * Yields the first `count` values, then ends and returns its source: the stage that makes the
 * book's endless generators finite. Never reads more than `count` items; `take(0)` reads none.
 *
 * @example
 * pipe(repeat('ping'), take(3)); // ping, ping, ping
 */
export function take<T>(count: number): Stage<T, T> {
  assertCount('count', count, 0, true);
  return fusedStage({ kind: TAKE, count });
}
