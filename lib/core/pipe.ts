import { from } from './from.js';
import { makePipeline, openPipeline, Pipeline, type BuildOptions } from './pipeline.js';
import type { Outlet } from './outlet.js';
import { assertBoolean, assertSignal, describe } from '../util/validate.js';
import { isMeter, type Meter } from './meter.js';
import type { SignalOptions, Source, Stage } from './types.js';

export { Pipeline };

/** Options of `pipe`. */
export interface PipeOptions extends SignalOptions {
  /**
   * A `Meter` that measures every stage of each run: counters, busy and waiting time, the
   * bottleneck. Without one nothing is measured. @default undefined
   */
  meter?: Meter | undefined;
  /**
   * Records where the pipeline was built, for `dumpPipelines()`, and meters every run so a dump
   * tells how long each stage has been in its state. `SLUICE_TRACE=1` in the environment when
   * sluice is loaded turns it on for every pipeline. @default false (unless `SLUICE_TRACE=1`)
   */
  captureStacks?: boolean | undefined;
}

/**
 * What a shorter overload of `pipe` sees where a longer one sees a mismatched stage. It never
 * matches (no function has that property), but it makes the compiler, TypeScript 5 and 7 alike,
 * report the stage against the type it should take (`Argument of type 'Stage<number, number>' is
 * not assignable to parameter of type 'Stage<number, string>'`) instead of against the options
 * (`Type 'Stage<…>' has no properties in common with type 'SignalOptions'`).
 */
type StageAfter<T> = Stage<T, unknown> & {
  readonly 'expected a stage whose input matches the previous output': never;
};

/**
 * Chains a source through stages into one `AsyncIterable`; `options.signal` is the done channel
 * of the whole pipeline. Consecutive `map`, `filter`, `tap` and `take` stages run fused in one loop.
 *
 * End: every stage has finished. Error: the first error ends the pipeline after every stage has
 * cleaned up. Abort: the pending `next()` rejects with `signal.reason`, without waiting on a source
 * stuck in an `await`. `break`: every stage is returned and in-flight callbacks' signals abort.
 *
 * @example
 * const evens = pipe(range(0, 100), filter((n) => n % 2 === 0), map((n) => n * 10), { signal });
 * for await (const n of evens) console.log(n);
 */
// Longest first: TypeScript tries overloads in order, and a shorter one tried first would fix the
// callbacks' parameter types to `unknown` before the matching overload is reached.
export function pipe<A, B, C, D, E, F, G, H, I, J, K, L, M>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
  s8: Stage<H, I>,
  s9: Stage<I, J>,
  s10: Stage<J, K>,
  s11: Stage<K, L>,
  s12: Stage<L, M>,
  options?: PipeOptions | StageAfter<M>,
): Pipeline<M>;
export function pipe<A, B, C, D, E, F, G, H, I, J, K, L>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
  s8: Stage<H, I>,
  s9: Stage<I, J>,
  s10: Stage<J, K>,
  s11: Stage<K, L>,
  options?: PipeOptions | StageAfter<L>,
): Pipeline<L>;
export function pipe<A, B, C, D, E, F, G, H, I, J, K>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
  s8: Stage<H, I>,
  s9: Stage<I, J>,
  s10: Stage<J, K>,
  options?: PipeOptions | StageAfter<K>,
): Pipeline<K>;
export function pipe<A, B, C, D, E, F, G, H, I, J>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
  s8: Stage<H, I>,
  s9: Stage<I, J>,
  options?: PipeOptions | StageAfter<J>,
): Pipeline<J>;
export function pipe<A, B, C, D, E, F, G, H, I>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
  s8: Stage<H, I>,
  options?: PipeOptions | StageAfter<I>,
): Pipeline<I>;
export function pipe<A, B, C, D, E, F, G, H>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
  options?: PipeOptions | StageAfter<H>,
): Pipeline<H>;
export function pipe<A, B, C, D, E, F, G>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  options?: PipeOptions | StageAfter<G>,
): Pipeline<G>;
export function pipe<A, B, C, D, E, F>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  options?: PipeOptions | StageAfter<F>,
): Pipeline<F>;
export function pipe<A, B, C, D, E>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  options?: PipeOptions | StageAfter<E>,
): Pipeline<E>;
export function pipe<A, B, C, D>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  options?: PipeOptions | StageAfter<D>,
): Pipeline<D>;
export function pipe<A, B, C>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  options?: PipeOptions | StageAfter<C>,
): Pipeline<C>;
export function pipe<A, B>(
  source: Source<A>,
  s1: Stage<A, B>,
  options?: PipeOptions | StageAfter<B>,
): Pipeline<B>;
export function pipe<A>(source: Source<A>, options?: PipeOptions | StageAfter<A>): Pipeline<A>;
export function pipe(source: Source<unknown>, ...rest: unknown[]): Pipeline<unknown> {
  const { stages, options } = splitArguments(rest);
  const input = from(source);
  return makePipeline(input, stages, options);
}

function splitArguments(rest: unknown[]): { stages: Stage<any, any>[]; options: BuildOptions } {
  const last = rest[rest.length - 1];
  const hasOptions = rest.length > 0 && typeof last !== 'function';
  const stages = (hasOptions ? rest.slice(0, -1) : rest) as Stage<any, any>[];
  stages.forEach((stage, position) => {
    if (typeof stage !== 'function') {
      throw new TypeError(`Expected stage ${position + 1} of pipe to be a function, got ${describe(stage)}`);
    }
  });
  if (!hasOptions || last === undefined) return { stages, options: {} };
  if (last === null || typeof last !== 'object') {
    throw new TypeError(
      `Expected the last argument of pipe to be a stage or an options object, got ${describe(last)}`,
    );
  }
  const { signal, meter, captureStacks } = last as PipeOptions;
  assertSignal('signal', signal);
  if (meter !== undefined && !isMeter(meter)) {
    throw new TypeError(`Expected \`meter\` to be a Meter (new Meter()), got ${describe(meter)}`);
  }
  if (captureStacks !== undefined) assertBoolean('captureStacks', captureStacks);
  return { stages, options: { signal, meter, captureStacks } };
}

/**
 * One run of `source` for a sink, stopped by `signal`: a pipeline is run as it is, not wrapped in
 * one more per call (a service collecting a pipeline per request pays the set-up each time).
 * @internal
 */
export function openForSink<T>(source: Source<T>, signal: AbortSignal | undefined): Outlet<T> {
  assertSignal('signal', signal);
  return openPipeline((source instanceof Pipeline ? source : pipe(source)) as Pipeline<T>, signal);
}
