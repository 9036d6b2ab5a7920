import { fusedStage } from '../core/define-stage.js';
import { TAKE_WHILE } from '../core/ops.js';
import { assertFunction } from '../util/validate.js';
import type { Callback, CallbackContext, Stage } from '../core/types.js';

/**
 * Yields values while `fn(value, { signal, index })` is truthy (a promise is awaited); at the
 * first falsy answer it drops that value, stops reading, returns its source and ends normally.
 * Reads one item ahead of demand. Errors, abort and `break` as `map`.
 *
 * @example
 * pipe(readings, takeWhile((r) => r.temperature < 100));
 */
export function takeWhile<T, S extends T>(
  fn: (value: T, context: CallbackContext) => value is S,
): Stage<T, S>;
export function takeWhile<T>(fn: Callback<T, unknown>): Stage<T, T>;
export function takeWhile<T>(fn: Callback<T, unknown>): Stage<T, T> {
  assertFunction('fn', fn);
  return fusedStage({ kind: TAKE_WHILE, fn });
}
