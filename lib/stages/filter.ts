import { fusedStage } from '../core/define-stage.js';
import { FILTER } from '../core/ops.js';
import { assertFunction } from '../util/validate.js';
import type { Callback, Stage } from '../core/types.js';

/**
 * Yields the values for which `fn(value, { signal, index })` is truthy (a promise is awaited), in
 * order. Reads one item ahead of demand plus the items it drops. Errors, abort and `break` as `map`.
 *
 * @example
 * pipe(range(0, 10), filter((n) => n % 2 === 0));
 * pipe(rows, map(parse), filter(Boolean), map((row) => row.id)); // `parse` returns `Row | undefined`
 */
export function filter<T>(fn: BooleanConstructor): Stage<T, Truthy<T>>;
export function filter<T, S extends T>(
  fn: (value: T, context: import('../core/types.js').CallbackContext) => value is S,
): Stage<T, S>;
export function filter<T>(fn: Callback<T, unknown>): Stage<T, T>;
export function filter<T>(fn: Callback<T, unknown>): Stage<T, T> {
  assertFunction('fn', fn);
  return fusedStage({ kind: FILTER, fn });
}

/** What `filter(Boolean)` lets through: `T` without its falsy members. */
export type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;
