import { fusedStage } from '../core/define-stage.js';
import { DROP } from '../core/ops.js';
import { assertCount } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/**
 * Skips the first `count` values and yields the rest, in order. It reads the dropped items as fast
 * as its source gives them, then one item ahead of demand. End, errors, abort and `break` as `map`.
 *
 * @example
 * pipe(lines(), drop(1)); // skip a CSV header
 */
export function drop<T>(count: number): Stage<T, T> {
  assertCount('count', count, 0, true);
  return fusedStage({ kind: DROP, count });
}
