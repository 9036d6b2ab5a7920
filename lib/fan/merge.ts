import type { Carried } from '../core/lease.js';
import { carriedOf, carriesLeases, leaseSource } from './leased-fan.js';
import { from } from '../core/from.js';
import { engineSource } from '../core/engine-source.js';
import { MergeEngine } from './merge-core.js';
import { pipe, type Pipeline } from '../core/pipe.js';
import type { Source, SourceValue } from '../core/types.js';

/**
 * Fan-in: yields the values of every source as they arrive, keeping each source's own order.
 * Every source is opened on the first `next()` and has at most one `next()` pending — its
 * backpressure: a source is pulled again only once its last value has been read. Fair: values
 * are served in arrival order, so an always-ready source cannot starve a slow one.
 *
 * Ends when every source has ended. On `break`, abort or the first error, every source is
 * returned, the never-pulled ones too; a source stuck in an `await` gets an aborted signal and a
 * `return()` that is not waited on, so it cannot hang the consumer.
 *
 * @example
 * for await (const event of pipe(merge(clicks, keys, ticks), { signal })) handle(event);
 */
export function merge<S extends Source<any>[]>(...sources: S): Pipeline<SourceValue<S[number]>> {
  if (carriesLeases(sources)) {
    // With `ack: 'auto'` on any source: each value goes on with its message (a plain one has none).
    const carried = sources.map((source) => carriedOf(source));
    return pipe(
      leaseSource<SourceValue<S[number]>>(
        (signal) =>
          new MergeEngine<Carried<SourceValue<S[number]>>>(
            undefined,
            carried,
            Infinity,
            signal ?? new AbortController().signal,
            'merge',
          ).outlet,
      ),
    );
  }
  const iterables = sources.map((source) => from(source));
  return pipe(
    engineSource(
      (signal) =>
        new MergeEngine<SourceValue<S[number]>>(undefined, iterables, Infinity, signal, 'merge').outlet,
    ),
  );
}

export type { SourceValue };
