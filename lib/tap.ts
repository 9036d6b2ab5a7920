import { fusedStage } from './internal/define-stage.js';
import { TAP } from './internal/ops.js';
import { assertFunction } from './internal/validate.js';
import type { Callback, Stage } from './types.js';

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
