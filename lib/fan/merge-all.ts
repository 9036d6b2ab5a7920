import { fusedStage, engineStage } from '../core/define-stage.js';
import { MAP } from '../core/ops.js';
import type { Carried } from '../core/lease.js';
import { derived } from '../core/derived.js';
import { MergeEngine } from './merge-core.js';
import { assertCount, assertOptions } from '../util/validate.js';
import type { Source, Stage } from '../core/types.js';

/** Options of `mergeAll`. */
export interface MergeAllOptions {
  /** Most inner sources read at once. @default Infinity */
  concurrency?: number | undefined;
}

/**
 * The book's bridge with fan-in: reads a stream of sources, up to `concurrency` of them at once,
 * and yields their values as they arrive (each inner source's order kept). The outer stream is
 * read only while fewer than `concurrency` inner sources are open, so it is never read ahead.
 * Errors, abort and `break` end every open inner source as `merge` does, then the outer one.
 *
 * @example
 * pipe(userIds, map((id) => fetchPages(id)), mergeAll({ concurrency: 4 }));
 */
export function mergeAll<T>(options: MergeAllOptions = {}): Stage<Source<T>, T> {
  assertOptions('options', options);
  const { concurrency = Infinity } = options;
  assertCount('concurrency', concurrency, 1, true);
  return engineStage(
    (sources, { signal }) => new MergeEngine(sources, [], concurrency, signal, 'mergeAll').outlet,
    () => [
      fusedStage({ kind: MAP, fn: (c: Carried<Source<T>>) => derived(c.value, c.lease) }),
      mergeAll(options),
    ],
  );
}
