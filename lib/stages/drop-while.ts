import { fusedStage } from '../core/define-stage.js';
import { DROP_WHILE } from '../core/ops.js';
import { assertFunction } from '../util/validate.js';
import type { Callback, Stage } from '../core/types.js';

/**
 * Drops values while `fn(value, { signal, index })` is truthy (a promise is awaited), then yields
 * the first value it refuses and every later one without calling `fn` again, in order. Reads the
 * dropped items as fast as its source gives them, then one item ahead of demand. Errors, abort and
 * `break` as `map`.
 *
 * @example
 * pipe(logLines, dropWhile((line) => !line.startsWith('BEGIN')));
 */
export function dropWhile<T>(fn: Callback<T, unknown>): Stage<T, T> {
  assertFunction('fn', fn);
  return fusedStage({ kind: DROP_WHILE, fn });
}
