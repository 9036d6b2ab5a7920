import { Outlet } from './outlet.js';
import { Segment } from './segment.js';
import { serveDirectly, serveEngineSource, standIn } from './direct.js';
import { directSource } from './direct-source.js';
import { openerOf } from './engine-source.js';
import { stageSpec } from './stage-spec.js';
import { captureStack, recording } from '../util/registry.js';
import { nameOf } from './named.js';
import {
  callForeignStage,
  endsInEngine,
  foreignName,
  groupStages,
  type Group,
  operatorName,
  segmentLabel,
} from './stage-groups.js';
import { PipelineRun, type RunObserver } from './pipeline-run.js';
import { reasonOf } from './outcome.js';
import { OBSERVER, type Meter } from './meter.js';
import { gaugeStages, meterSegment, meterStage, TRACING } from './meter-build.js';
import type { Stage } from './types.js';
import { isLeaseSource, type LeaseSource } from './lease.js';
import { carriedRun, carriedValues } from './carried-source.js';
import { drainOf, leaseStages } from './lease-stages.js';
import { LeasedOutlet } from './leased-outlet.js';

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
 * Builds one run of a pipeline: runs of fusable stages become the ops of one `Segment`, and every
 * other stage sits between two segments. Each segment owns the signal of the stage that feeds it
 * (and of its own callbacks) and aborts it when it ends, however it ends, while it listens to the
 * signal of the stage that reads it: so the end of any segment reaches every stage upstream at once,
 * and cleanup never waits on a stage nobody told to stop.
 * @internal
 */
export function openPipeline<T>(pipeline: Pipeline<T>, signal?: AbortSignal): Outlet<T> {
  const parts = partsOf(pipeline);
  const { source, stages, signals, builtAt, meter, trace, leased } = parts;
  const named = recording(); // labels are for the ledger: built only while it records
  const groups = (parts.groups ??= groupStages(stages));
  const run = new PipelineRun(builtAt, meter ?? (trace ? TRACING : undefined));
  const last = groups.length - 1;
  const userSignals = signal && !signals.includes(signal) ? [...signals, signal] : signals;
  // Nothing fused after the last engine, one signal at most, no meter, no leases: it serves the
  // reader (direct.ts).
  const open = last === 0 ? openerOf(source) : undefined;
  const direct = !run.metered && !leased && userSignals.length <= 1 && endsInEngine(groups, open);
  if (open && direct) return serveEngineSource(open, userSignals[0], run);
  // Segment 0's controller is made only if its source or a callback reads the signal; the others
  // give the stage before them its signal when the pipeline is built.
  const controllers = groups.map((_, i) => (i === 0 ? undefined : new AbortController()));
  const over = leased ? new AbortController() : undefined;
  let upstream: AsyncIterable<unknown> = over ? carriedRun(source, over.signal) : source;
  for (let i = 0; ; i++) {
    const { ops, names, positions } = groups[i]!;
    const options = {
      ops,
      stopSignals: i === last ? userSignals : [controllers[i + 1]!.signal],
      owned: controllers[i],
      label: named ? segmentLabel(groups[i]!, i === last) : 'pipe',
      run,
      final: i === last ? run : undefined,
    };
    // A source an engine reads first is given to it with no relay segment (direct-source.ts).
    const relay =
      i === 0 && !leased ? directSource(groups, upstream, controllers[1]?.signal, run) : undefined;
    const built = relay
      ? undefined
      : run.metered
        ? meterSegment(run, upstream, options, names, positions)
        : new Segment<unknown>(upstream, options);
    const segment = built ?? relay!.view;
    if (i === 0) run.stages.push({ name: 'source', position: 0, kind: 'source', segment });
    else run.stages[run.stages.length - 1]!.segment = segment;
    ops.forEach((_, op) =>
      run.stages.push({ name: names[op]!, position: positions[op]!, kind: 'op', segment, op }),
    );
    if (run.metered) gaugeStages(run.stages, built!);
    const input = built?.outlet ?? relay!;
    if (built) built.outlet.builtAt = builtAt;
    if (i === last) {
      const outlet = built!.outlet; // the last group is a segment: a relay is given to an engine
      if (over === undefined) return outlet as Outlet<T>;
      outlet.watcher = { opened() {}, ended: (outcome) => over.abort(reasonOf(outcome)) };
      return new LeasedOutlet(outlet as Outlet<any>) as unknown as Outlet<T>;
    }
    const { fn, position } = groups[i].stage!;
    const spec = stageSpec(fn);
    const engineLast = direct && i + 1 === last;
    const stageSignal = (engineLast && userSignals[0]) || controllers[i + 1]!.signal;
    upstream =
      spec && 'impl' in spec
        ? spec.impl(input, { signal: stageSignal })
        : callForeignStage(fn, input, stageSignal, position);
    const own = upstream instanceof Outlet ? upstream : undefined;
    const name = nameOf(fn) ?? (own ? operatorName(own.label) : foreignName(fn));
    run.stages.push({
      name,
      position: position + 1,
      kind: own ? 'engine' : 'foreign',
      segment,
      before: segment,
      outlet: own,
    });
    if (run.metered) meterStage(run, run.stages[run.stages.length - 1]!);
    if (named && own !== undefined) {
      own.label = `${nameOf(fn) ?? own.label} at position ${position + 1}`;
      own.builtAt = builtAt;
    }
    if (engineLast) {
      const stand = standIn(own!);
      run.stages[run.stages.length - 1]!.segment = stand;
      return serveDirectly(own as Outlet<T>, controllers[i + 1], run, stand);
    }
  }
}

/** Whether `source` is a pipeline over a source that carries leases (`ack: 'auto'`). @internal */
export function isLeasedPipeline(source: unknown): boolean {
  return source instanceof Pipeline && partsOf(source).leased;
}
