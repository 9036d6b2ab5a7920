import type { Outlet } from './outlet.js';
import { captureStack } from '../util/registry.js';
import { groupStages, type Group } from './stage-groups.js';
import { PipelineRun, type RunObserver } from './pipeline-run.js';
import { OBSERVER, type Meter } from './meter.js';
import { TRACING } from './meter-build.js';
import type { Stage } from './types.js';
import { isLeaseSource, type LeaseSource } from './lease.js';
import { carriedValues } from './carried-source.js';
import { drainOf, leaseStages } from './lease-stages.js';
import { openFused, openStages } from './open-run.js';

// Set by Pipeline's static block: the only way in to a pipeline's private parts.
let partsOf: (pipeline: Pipeline<unknown>) => Parts;
let build: (parts: Parts) => Pipeline<any>;

/**
 * A pipeline: an `AsyncIterable` that owns its stages. Each iteration builds the stages afresh
 * against its own signal, aborted when the iteration ends however it ends.
 *
 * @example
 * const doubled: Pipeline<number> = pipe(range(0, 3), map((n) => n * 2));
 * for await (const n of doubled) console.log(n);
 */
export class Pipeline<T> implements AsyncIterable<T> {
  /** A private field, not a WeakMap entry: an ephemeron per pipeline is what the collector pays for. */
  readonly #parts: Parts;

  private constructor(parts: Parts) {
    this.#parts = parts;
  }

  static {
    partsOf = (pipeline) => pipeline.#parts;
    build = (own) => new Pipeline(own);
  }

  /** The optional `signal` is the one ix passes; it stops this iteration like `options.signal`. */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterableIterator<T> {
    return openPipeline(this, signal);
  }
}

/** What a pipeline is made of: kept out of the public object, so its state stays private. */
interface Parts {
  readonly source: AsyncIterable<unknown>;
  readonly stages: readonly Stage<any, any>[];
  readonly signals: readonly AbortSignal[];
  /** Where the user called `pipe`, while a leak scope is open or stacks are captured. */
  readonly builtAt: string | undefined;
  readonly meter: RunObserver | undefined;
  /** `captureStacks` or `SLUICE_TRACE=1`: every run is metered, for exact times in a dump. */
  readonly trace: boolean;
  /** The source carries leases (`ack: 'auto'`): the stages run over `Carried` values. */
  readonly leased: boolean;
  /** How its stages group into segments: worked out on the first run, the same for every run. */
  groups?: Group[];
}

/** What `pipe` was given besides its stages. */
export interface BuildOptions {
  signal?: AbortSignal | undefined;
  meter?: Meter | undefined;
  captureStacks?: boolean | undefined;
}

/** `SLUICE_TRACE=1` when sluice was loaded: read once (reading `process.env` costs a microsecond). */
const TRACE_ALL = process.env.SLUICE_TRACE === '1';

/**
 * A pipeline of `stages` over `input`; a pipeline piped further is one longer pipeline.
 * @internal
 */
export function makePipeline<T>(
  input: AsyncIterable<unknown>,
  stages: readonly Stage<any, any>[],
  { signal, meter: given, captureStacks }: BuildOptions = {},
): Pipeline<T> {
  const inner = input instanceof Pipeline ? partsOf(input) : undefined;
  const meter = given?.[OBSERVER];
  const trace = captureStacks ?? (inner?.trace || TRACE_ALL);
  const leased = inner ? inner.leased : isLeaseSource(input);
  const drain = leased && !inner ? drainOf(stages[0]) : undefined;
  const added = leased ? leaseStages(drain ? stages.slice(1) : stages, drain ? 2 : 1) : stages;
  const own: Parts = inner
    ? {
        source: inner.source,
        stages: [...inner.stages, ...added],
        signals: signal && !inner.signals.includes(signal) ? [...inner.signals, signal] : inner.signals,
        builtAt: inner.builtAt ?? captureStack(trace),
        meter: meter ?? inner.meter,
        trace,
        leased,
      }
    : {
        source: leased ? carriedValues(input as LeaseSource<unknown>, drain) : input,
        stages: added,
        signals: signal ? [signal] : [],
        builtAt: captureStack(trace),
        meter,
        trace,
        leased,
      };
  return build(own) as Pipeline<T>;
}

/**
 * Builds one run of a pipeline (`open-run.ts`). Most pipelines are one run of fused stages: that
 * run is one segment, built without describing its stages for dumps until one asks.
 * @internal
 */
export function openPipeline<T>(pipeline: Pipeline<T>, signal?: AbortSignal): Outlet<T> {
  const parts = partsOf(pipeline);
  const groups = (parts.groups ??= groupStages(parts.stages));
  const run = new PipelineRun(parts.builtAt, parts.meter ?? (parts.trace ? TRACING : undefined));
  const signals = parts.signals;
  const userSignals = signal && !signals.includes(signal) ? [...signals, signal] : signals;
  const lone = groups.length === 1 && groups[0]!.ops.length > 0 && !run.metered && !parts.leased;
  if (lone) return openFused(parts.source, groups[0]!, userSignals, run);
  return openStages(parts, groups, run, userSignals);
}

/** Whether `source` is a pipeline over a source that carries leases (`ack: 'auto'`). @internal */
export function isLeasedPipeline(source: unknown): boolean {
  return source instanceof Pipeline && partsOf(source).leased;
}
