import { refuseLeases } from '../core/refuse-leases.js';
import { from } from '../core/from.js';
import { engineSource } from '../core/engine-source.js';
import { MergeEngine } from './merge-core.js';
import { pipe, type Pipeline } from '../core/pipe.js';
import type { Source, SourceValue } from '../core/types.js';

/**
 * Yields every value of the first source, then of the second, and so on, in order. Each source is
 * opened only once the previous one has ended, so a source never reached is never opened; it reads
 * one item ahead of demand. A source error ends the stream with it. On `break`, abort or an error,
 * the open source is returned (a source stuck in an `await` gets an aborted signal and a `return()`
 * that is not waited on); sources not yet reached are never opened.
 *
 * @example
 * for await (const row of pipe(concat(cachedRows, fetchRows(since)), { signal })) render(row);
 */
export function concat<S extends Source<any>[]>(...sources: S): Pipeline<SourceValue<S[number]>> {
  refuseLeases('concat', sources);
  const iterables = sources.map((source) => from(source));
  return pipe(
    engineSource(
      (signal) => new MergeEngine<SourceValue<S[number]>>(from(iterables), [], 1, signal, 'concat').outlet,
    ),
  );
}
