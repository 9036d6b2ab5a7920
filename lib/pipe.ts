import { from } from './from.js';
import { isCooperative } from './internal/cooperative.js';
import { type Op } from './internal/ops.js';
import { Segment } from './internal/segment.js';
import { stageSpec } from './internal/stage-spec.js';
import { assertSignal, describe } from './internal/validate.js';
import type { SignalOptions, Source, Stage } from './types.js';

/** Options of `pipe`. */
export type PipeOptions = SignalOptions;

/**
 * A pipeline: an `AsyncIterable` that owns its stages. Each iteration builds the stages afresh
 * against its own signal, aborted when the iteration ends however it ends.
 */
export class Pipeline<T> implements AsyncIterable<T> {
  /** @internal */
  constructor(
    readonly source: AsyncIterable<unknown>,
    readonly stages: readonly Stage<any, any>[],
    readonly signals: readonly AbortSignal[],
  ) {}

  /** The optional `signal` is the one ix passes; it stops this iteration like `options.signal`. */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterableIterator<T> {
    return openPipeline(this, signal);
  }
}

/** Consecutive fused ops, and the stage that reads them (none for the last group). */
interface Group {
  ops: Op[];
  stage?: { fn: Stage<any, any>; position: number };
}

/**
 * Builds one run of a pipeline: runs of fusable stages become the ops of one `Segment`, and every
 * other stage sits between two segments. Each segment owns the signal of the stage that feeds it
 * (and of its own callbacks) and aborts it when it ends, however it ends, while it listens to the
 * signal of the stage that reads it: so the end of any segment reaches every stage upstream at once,
 * and cleanup never waits on a stage nobody told to stop.
 */
export function openPipeline<T>(pipeline: Pipeline<T>, signal?: AbortSignal): Segment<T> {
  const groups = groupStages(pipeline.stages);
  const controllers = groups.map(() => new AbortController());
  const last = groups.length - 1;
  const userSignals =
    signal && !pipeline.signals.includes(signal) ? [...pipeline.signals, signal] : pipeline.signals;
  let upstream: AsyncIterable<unknown> = pipeline.source;
  let cooperative = isCooperative(upstream);
  for (let i = 0; ; i++) {
    const segment = new Segment<unknown>(upstream, {
      ops: groups[i].ops,
      signal: controllers[i].signal,
      stopSignals: i === last ? userSignals : [controllers[i + 1].signal],
      owned: controllers[i],
      cooperative,
      label: i === last ? 'pipe' : 'pipe segment',
    });
    if (i === last) return segment as Segment<T>;
    const { fn, position } = groups[i].stage!;
    const spec = stageSpec(fn);
    const stageSignal = controllers[i + 1].signal;
    cooperative = spec !== undefined;
    upstream =
      spec && 'impl' in spec
        ? spec.impl(segment, { signal: stageSignal })
        : callForeignStage(fn, segment, stageSignal, position);
  }
}

function groupStages(stages: readonly Stage<any, any>[]): Group[] {
  const groups: Group[] = [{ ops: [] }];
  stages.forEach((fn, position) => {
    const spec = stageSpec(fn);
    const current = groups[groups.length - 1];
    if (spec && 'ops' in spec) current.ops.push(...spec.ops);
    else {
      current.stage = { fn, position };
      groups.push({ ops: [] });
    }
  });
  return groups;
}

function callForeignStage(
  stage: Stage<any, any>,
  input: AsyncIterable<unknown>,
  signal: AbortSignal,
  position: number,
) {
  const output = stage(input, { signal });
  if (
    output === null ||
    typeof output !== 'object' ||
    typeof (output as any)[Symbol.asyncIterator] !== 'function'
  ) {
    throw new TypeError(`Expected stage ${position + 1} to return an AsyncIterable, got ${describe(output)}`);
  }
  return output;
}

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
  options?: PipeOptions,
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
  options?: PipeOptions,
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
  options?: PipeOptions,
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
  options?: PipeOptions,
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
  options?: PipeOptions,
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
  options?: PipeOptions,
): Pipeline<H>;
export function pipe<A, B, C, D, E, F, G>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  options?: PipeOptions,
): Pipeline<G>;
export function pipe<A, B, C, D, E, F>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  options?: PipeOptions,
): Pipeline<F>;
export function pipe<A, B, C, D, E>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  options?: PipeOptions,
): Pipeline<E>;
export function pipe<A, B, C, D>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  options?: PipeOptions,
): Pipeline<D>;
export function pipe<A, B, C>(
  source: Source<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  options?: PipeOptions,
): Pipeline<C>;
export function pipe<A, B>(source: Source<A>, s1: Stage<A, B>, options?: PipeOptions): Pipeline<B>;
export function pipe<A>(source: Source<A>, options?: PipeOptions): Pipeline<A>;
export function pipe(source: Source<unknown>, ...rest: unknown[]): Pipeline<unknown> {
  const { stages, signal } = splitArguments(rest);
  const input = from(source);
  if (input instanceof Pipeline) {
    // A pipeline piped further is one longer pipeline: its stages fuse with the new ones.
    const signals = signal && !input.signals.includes(signal) ? [...input.signals, signal] : input.signals;
    return new Pipeline(input.source, [...input.stages, ...stages], signals);
  }
  return new Pipeline(input, stages, signal ? [signal] : []);
}

function splitArguments(rest: unknown[]): { stages: Stage<any, any>[]; signal: AbortSignal | undefined } {
  const last = rest[rest.length - 1];
  const hasOptions = rest.length > 0 && typeof last !== 'function';
  const stages = (hasOptions ? rest.slice(0, -1) : rest) as Stage<any, any>[];
  stages.forEach((stage, position) => {
    if (typeof stage !== 'function') {
      throw new TypeError(`Expected stage ${position + 1} of pipe to be a function, got ${describe(stage)}`);
    }
  });
  if (!hasOptions || last === undefined) return { stages, signal: undefined };
  if (last === null || typeof last !== 'object') {
    throw new TypeError(
      `Expected the last argument of pipe to be a stage or an options object, got ${describe(last)}`,
    );
  }
  const signal = (last as PipeOptions).signal;
  assertSignal('signal', signal);
  return { stages, signal };
}
