import { fusedStage } from '../core/define-stage.js';
import { MAP } from '../core/ops.js';
import { assertFunction } from '../util/validate.js';
import type { Callback, Stage } from '../core/types.js';

/**
 * Yields `fn(value, { signal, index })` for each value, in order; a returned promise is awaited.
 * Reads one item ahead of demand. A throw or rejection in `fn` ends the pipeline with that error;
 * abort and `break` abort the `signal` of the call in flight.
 *
 * @example
 * pipe(urls, map((url, { signal }) => fetch(url, { signal })));
 */
export function map<I, O>(fn: Callback<I, O>): Stage<I, Awaited<O>> {
  assertFunction('fn', fn);
  return fusedStage({ kind: MAP, fn });
}
