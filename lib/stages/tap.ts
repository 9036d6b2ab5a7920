import { fusedStage } from '../core/define-stage.js';
import { TAP } from '../core/ops.js';
import { assertFunction } from '../util/validate.js';
import type { Callback, Stage } from '../core/types.js';

/**
 * Calls `fn(value, { signal, index })` for each value (a promise is awaited) and yields the value
 * unchanged. Errors, abort and `break` as `map`.
 *
 * @example
 * pipe(jobs, tap((job) => console.log('started', job.id)));
 */
export function tap<T>(fn: Callback<T, unknown>): Stage<T, T> {
  assertFunction('fn', fn);
  return fusedStage({ kind: TAP, fn });
}
