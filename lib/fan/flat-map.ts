import { callLeased, type Carried } from '../core/lease.js';
import { derived } from '../core/derived.js';
import { engineStage } from '../core/define-stage.js';
import { map } from '../stages/map.js';
import { MergeEngine } from './merge-core.js';
import { assertCount, assertFunction, assertOptions } from '../util/validate.js';
import type { Callback, Source, Stage } from '../core/types.js';

/** Options of `flatMap`. */
export interface FlatMapOptions {
  /** Most inner sources read at once; 1 keeps order. @default 1 */
  concurrency?: number | undefined;
}

/**
 * For each value, `fn(value, { signal, index })` returns a source (a returned promise is awaited),
 * and the stage yields that source's values. With `concurrency` 1 the inner sources are read one
 * after another and the order is kept (`map` then `flatten`); with more, up to `concurrency` are
 * read at once and their values merged as they arrive, each inner source's order kept (`map` then
 * `mergeAll`). `fn` is called for the next value only while fewer than `concurrency` inner sources
 * are open, so the outer source is read one item ahead of that at most.
 *
 * Errors (from the source, `fn`, or an inner source) end the stream after every open inner source
 * and the outer one are returned; abort and `break` likewise, and abort the `signal` of `fn`'s call
 * in flight. An inner source is given a signal that aborts when the stage ends.
 *
 * @example
 * pipe(userIds, flatMap((id, { signal }) => fetchOrders(id, { signal }), { concurrency: 4 }));
 */
export function flatMap<I, O>(fn: Callback<I, Source<O>>, options: FlatMapOptions = {}): Stage<I, O> {
  assertFunction('fn', fn);
  assertOptions('options', options);
  const { concurrency = 1 } = options;
  assertCount('concurrency', concurrency, 1, true);
  const sources = map(fn);
  return engineStage(
    (source, { signal }) =>
      new MergeEngine<O>(sources(source, { signal }), [], concurrency, signal, 'flatMap').outlet,
    () => [
      flatMap(
        (c: Carried<I>, context) =>
          callLeased(fn, c, context, (inner) => derived(inner as Source<O>, c.lease)) as Source<Carried<O>>,
        options,
      ),
    ],
  );
}
