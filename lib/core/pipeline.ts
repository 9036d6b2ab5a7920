import { OP_NAMES, type Op } from './ops.js';
import { Outlet } from './outlet.js';
import { Segment } from './segment.js';
import { stageSpec } from './stage-spec.js';
import { describe } from '../util/validate.js';
import { captureStack, recording } from '../util/registry.js';
import type { Stage } from './types.js';
import { isLeaseSource, LEASED, type LeaseSource } from './lease.js';
import { drainOf, leaseStages } from './lease-stages.js';
import { LeasedOutlet } from './leased-outlet.js';

/**
 * A pipeline: an `AsyncIterable` that owns its stages. Each iteration builds the stages afresh
 * against its own signal, aborted when the iteration ends however it ends.
 *
 * @example
 * const doubled: Pipeline<number> = pipe(range(0, 3), map((n) => n * 2));
 * for await (const n of doubled) console.log(n);
 */
export class Pipeline<T> implements AsyncIterable<T> {
  private constructor() {}

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
  /** Where the user called `pipe`, while a leak scope is open. */
  readonly builtAt: string | undefined;
  /** The source carries leases (`ack: 'auto'`): the stages run over `Carried` values. */
  readonly leased: boolean;
}

const parts = new WeakMap<Pipeline<unknown>, Parts>();

/**
 * A pipeline of `stages` over `input`; a pipeline piped further is one longer pipeline.
 * @internal
 */
export function makePipeline<T>(
  input: AsyncIterable<unknown>,
  stages: readonly Stage<any, any>[],
  signal: AbortSignal | undefined,
): Pipeline<T> {
  const inner = input instanceof Pipeline ? parts.get(input) : undefined;
  const leased = inner ? inner.leased : isLeaseSource(input);
  const drain = leased && !inner ? drainOf(stages[0]) : undefined;
  const added = leased ? leaseStages(drain ? stages.slice(1) : stages, drain ? 2 : 1) : stages;
  const own: Parts = inner
    ? {
        source: inner.source,
        stages: [...inner.stages, ...added],
        signals: signal && !inner.signals.includes(signal) ? [...inner.signals, signal] : inner.signals,
        builtAt: inner.builtAt,
        leased,
      }
    : {
        source: leased ? carriedValues(input as LeaseSource<unknown>, drain) : input,
        stages: added,
        signals: signal ? [signal] : [],
        builtAt: captureStack(),
        leased,
      };
  const pipeline = Object.create(Pipeline.prototype) as Pipeline<T>;
  parts.set(pipeline, own);
  return pipeline;
}

/** Consecutive fused ops, and the stage that reads them (none for the last group). */
interface Group {
  ops: Op[];
  /** Where each op stood among the stages given to `pipe`. */
  positions: number[];
  stage?: { fn: Stage<any, any>; position: number };
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
  const { source, stages, signals, builtAt, leased } = parts.get(pipeline)!;
  const named = recording(); // labels are for the ledger: built only while it records
  const groups = groupStages(stages);
  // Segment 0's controller is made only if its source or a callback reads the signal; the others
  // give the stage before them its signal when the pipeline is built.
  const controllers = groups.map((_, i) => (i === 0 ? undefined : new AbortController()));
  const last = groups.length - 1;
  const userSignals = signal && !signals.includes(signal) ? [...signals, signal] : signals;
  let upstream: AsyncIterable<unknown> = source;
  for (let i = 0; ; i++) {
    const segment = new Segment<unknown>(upstream, {
      ops: groups[i].ops,
      stopSignals: i === last ? userSignals : [controllers[i + 1]!.signal],
      owned: controllers[i],
      label: named ? segmentLabel(groups[i]!, i === last) : 'pipe',
    });
    segment.outlet.builtAt = builtAt;
    if (i === last)
      return (leased ? new LeasedOutlet(segment.outlet as Outlet<any>) : segment.outlet) as Outlet<T>;
    const { fn, position } = groups[i].stage!;
    const spec = stageSpec(fn);
    const stageSignal = controllers[i + 1]!.signal;
    upstream =
      spec && 'impl' in spec
        ? spec.impl(segment.outlet, { signal: stageSignal })
        : callForeignStage(fn, segment.outlet, stageSignal, position);
    if (named && upstream instanceof Outlet) {
      upstream.label = `${upstream.label} at position ${position + 1}`;
      upstream.builtAt = builtAt;
    }
  }
}

/**
 * For the combinators that do not carry acknowledgements yet (`tee`, `split`, `merge`, `zip`,
 * `concat`): a source with `ack: 'auto'` is refused, since reading it as a plain source would
 * acknowledge each message as soon as the combinator took the next, before its readers were done.
 * @internal
 */
export function refuseLeases(name: string, sources: readonly unknown[]): void {
  sources.forEach((source, i) => {
    const leased = isLeaseSource(source) || (source instanceof Pipeline && parts.get(source)!.leased);
    if (leased)
      throw new TypeError(
        `Expected the sources of ${name} not to be broker sources with \`ack: 'auto'\` (it cannot carry ` +
          `acknowledgements), got one at position ${i + 1}; use \`ack: 'manual'\` and \`message.ack()\``,
      );
  });
}

/** The `Carried` values of a source that carries leases, as the source of a pipeline. */
function carriedValues(source: LeaseSource<unknown>, drain: AbortSignal | undefined): AsyncIterable<unknown> {
  return { [Symbol.asyncIterator]: (signal?: AbortSignal) => source[LEASED](signal, drain) };
}

/** A segment in the user's words: its operators and where they stand in the `pipe` call. */
function segmentLabel({ ops, positions }: Group, last: boolean): string {
  if (ops.length === 0) return last ? 'pipe' : 'pipe (reading the stage before)';
  return ops.map((op, i) => `${OP_NAMES[op.kind]} at position ${positions[i]}`).join(', ');
}

function groupStages(stages: readonly Stage<any, any>[]): Group[] {
  const groups: Group[] = [{ ops: [], positions: [] }];
  stages.forEach((fn, position) => {
    const spec = stageSpec(fn);
    const current = groups[groups.length - 1]!;
    if (spec && 'ops' in spec) {
      current.ops.push(...spec.ops);
      for (let i = 0; i < spec.ops.length; i++) current.positions.push(position + 1);
    } else {
      current.stage = { fn, position };
      groups.push({ ops: [], positions: [] });
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
