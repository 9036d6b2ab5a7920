import type { Carried } from '../core/lease.js';
import { derived } from '../core/derived.js';
import { MAP } from '../core/ops.js';
import { fusedStage, engineStage } from '../core/define-stage.js';
import { MergeEngine } from './merge-core.js';
import type { Source, Stage } from '../core/types.js';

/**
 * The book's bridge: reads a stream of sources one after another, yielding every value of the
 * first, then of the second, and so on, in order. The next inner source is read from the outer
 * stream only once the current one has ended. Errors, abort and `break` return the open inner
 * source and the outer one.
 *
 * @example
 * pipe(pages, map((page) => page.items), flatten());
 */
export function flatten<T>(): Stage<Source<T>, T> {
  return engineStage(
    (sources, { signal }) => new MergeEngine(sources, [], 1, signal, 'flatten').outlet,
    () => [fusedStage({ kind: MAP, fn: (c: Carried<Source<T>>) => derived(c.value, c.lease) }), flatten()],
  );
}
