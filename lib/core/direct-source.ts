import type { PipelineRun, RunSegment } from './pipeline-run.js';
import type { Group } from './stage-groups.js';
import { stageSpec } from './stage-spec.js';

/** What a dump reads of the inlet that reads a direct source. */
interface Reader {
  readonly pulling: boolean;
  readonly finished: boolean;
}

const NOT_OPEN: Reader = { pulling: false, finished: false };

/**
 * A pipeline's source handed straight to its first stage, one of sluice's engines, with no relay
 * segment between them: the relay cost a hop per item and a segment per run (a third of the
 * instructions of a 50,000-item `parallelMap` run, most of them in code still warming up). What
 * the relay did is kept by the inlet that reads it (see `Inlet`):
 * - the source is opened with `signal`, which is aborted once the stage's reader ends;
 * - a failure of the source is reported as the source's (`failed`), before the stage hears of it;
 * - a dump reads that inlet as the source's state (`view`).
 * Read by anything but an inlet, it is the source opened with `signal`.
 */
export class DirectSource<T> implements AsyncIterable<T> {
  /** The inlet reading the source, once one is made. */
  reader: Reader | undefined = undefined;
  /** The source's place in the run, where a relay segment would have stood. */
  readonly view: RunSegment;

  constructor(
    readonly source: AsyncIterable<T>,
    readonly signal: AbortSignal,
    private readonly report: (view: RunSegment, error: unknown) => void,
  ) {
    const reading = (): Reader => this.reader ?? NOT_OPEN;
    this.view = {
      inlet: {
        get pulling() {
          return reading().pulling;
        },
        get finished() {
          return reading().finished;
        },
      },
      outlet: {
        get waiting() {
          return reading().pulling; // the stage is asking its source
        },
      },
      phase: 0,
      resumeAt: 0,
      pendingCall: undefined,
    };
  }

  /** Read by `reader`: what it reads, and with which signal it opens it. */
  readBy(reader: Reader): [this, AsyncIterable<T>, AbortSignal] {
    this.reader = reader;
    return [this, this.source, this.signal];
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const source = this.source as { [Symbol.asyncIterator](signal: AbortSignal): AsyncIterator<T> };
    return source[Symbol.asyncIterator](this.signal);
  }

  /** The source failed (its `next()`, its result, or opening it). */
  failed(error: unknown): void {
    this.report(this.view, error);
  }
}

/**
 * The source of a run whose first stage is one of sluice's engines, to give that engine directly;
 * undefined when a relay segment is needed: fused ops before the engine, or a meter (it measures
 * at segment boundaries). `signal` is the one the stage before the engine's reader is given.
 */
export function directSource<T>(
  groups: readonly Group[],
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
  run: PipelineRun,
): DirectSource<T> | undefined {
  if (run.metered || signal === undefined || groups[0]!.ops.length > 0) return undefined;
  const spec = stageSpec(groups[0]!.stage!.fn);
  if (spec === undefined || !('impl' in spec) || spec.engine !== true) return undefined;
  return new DirectSource(source, signal, (view, error) => run.failed(view, -1, error));
}
