import { now } from '../util/timers.js';
import { CHANNELS } from './channels.js';
import type { Gauge } from './gauge.js';
import type { Outcome } from './outcome.js';
import type { Outlet } from './outlet.js';

/** What a dump reads of a segment (a `Segment`, without importing it: it imports this file). */
export interface RunSegment {
  readonly inlet: { readonly pulling: boolean; readonly finished: boolean };
  /** Whether its reader waits on it. */
  readonly outlet: { readonly waiting: boolean };
  readonly phase: number;
  readonly resumeAt: number;
  readonly pendingCall: { readonly index: number } | undefined;
}

/** How a pipeline ended, in the words of `sluice:pipeline:close`. */
export type PipelineOutcome = 'done' | 'break' | 'abort' | 'error';

/** One stage of a running pipeline, as a dump finds it: where its state can be read. */
export interface RunStage {
  readonly name: string;
  readonly position: number;
  readonly kind: 'source' | 'op' | 'engine' | 'foreign';
  /** The segment it belongs to (an op), reads (the source), or feeds (an engine, a foreign stage). */
  segment: RunSegment;
  /** An op's index within its segment. */
  readonly op?: number;
  /** An engine's outlet, and the segment it reads. */
  readonly outlet?: Outlet<unknown>;
  readonly before?: RunSegment;
  /** Its figures, when the pipeline is metered. */
  gauge?: Gauge;
}

/** What a meter does with a run of its pipeline: `Meter` implements it. */
export interface RunObserver {
  attach(run: PipelineRun): void;
  /** The run ended. */
  ended(run: PipelineRun): void;
}

/** What describes a lone segment's ops: their names and their positions in the `pipe` call. */
export interface LoneOps {
  readonly names: readonly string[];
  readonly positions: readonly number[];
}

interface LoneSegment {
  readonly segment: RunSegment;
  readonly ops: LoneOps;
}

function describeLone({ segment, ops }: LoneSegment): RunStage[] {
  const stages: RunStage[] = [{ name: 'source', position: 0, kind: 'source', segment }];
  ops.names.forEach((name, op) =>
    stages.push({ name, position: ops.positions[op]!, kind: 'op', segment, op }),
  );
  return stages;
}

const KEY = Symbol.for('sluice.liveRuns');

/**
 * The open runs, shared by the ESM and CJS builds: a list threaded through the runs themselves, so
 * opening and closing one is two field writes (a Set's hashing cost 10% of a short pipeline's run).
 */
interface LiveList {
  next: number;
  head: PipelineRun | undefined;
}

const LIVE: LiveList = ((globalThis as { [KEY]?: LiveList })[KEY] ??= { next: 1, head: undefined });

/** The open runs, oldest first. */
export function liveRuns(): PipelineRun[] {
  const runs: PipelineRun[] = [];
  for (let run = LIVE.head; run !== undefined; run = run.nextLive) runs.push(run);
  return runs.reverse();
}

/**
 * One run of a pipeline (one `for await` over it): its stages for dumps, its gauges when metered,
 * and the diagnostics messages of its start, its end and its stages' failures.
 */
export class PipelineRun {
  readonly id = LIVE.next++;
  /** Its neighbours in the list of open runs. */
  nextLive: PipelineRun | undefined = undefined;
  private prevLive: PipelineRun | undefined = undefined;
  /** Its stages; a run that is one segment describes them only when first read. */
  private described: RunStage[] | undefined = undefined;
  /** A run that is one fused segment, the common case: described from its ops on demand. */
  private lone: LoneSegment | undefined = undefined;
  openedAt = 0;
  endedAt: number | undefined;
  private ending: { outcome: Outcome; closeError: { error: unknown } | undefined } | undefined;
  /** Positions of the stages where an error arose (the others only passed it on). */
  failedAt: Set<number> | undefined;
  /** What brings the time figures up to date before a snapshot (segment meters, link gauges). */
  flushers: { flush(t: number): void }[] | undefined;
  private published: Set<unknown> | undefined;
  started = false;

  constructor(
    readonly builtAt: string | undefined,
    readonly observer: RunObserver | undefined,
  ) {}

  /** The source, then each stage in `pipe`'s order, with where to read its state. */
  get stages(): RunStage[] {
    return (this.described ??= this.lone ? describeLone(this.lone) : []);
  }

  /** The run is `segment` alone: its stages are described only if something reads them. */
  describeLater(segment: RunSegment, ops: LoneOps): void {
    this.lone = { segment, ops };
  }

  /**
   * The time for this run's start and end: sluice's clock (the test clock's, in tests) when it is
   * metered; `Date.now()` otherwise, so a pipeline without a meter never reads the precise clock.
   */
  clock(): number {
    return this.observer !== undefined ? now() : Date.now();
  }

  get metered(): boolean {
    return this.observer !== undefined;
  }

  /** The last segment's first demand: the run is open. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.openedAt = this.clock();
    this.nextLive = LIVE.head;
    if (LIVE.head !== undefined) LIVE.head.prevLive = this;
    LIVE.head = this;
    this.observer?.attach(this);
    if (CHANNELS.open.hasSubscribers) {
      const stages = this.stages.map(({ name, position }) => ({ name, position }));
      CHANNELS.open.publish({ id: this.id, stages, builtAt: this.builtAt });
    }
  }

  /** Segment `segment`'s op `op` failed, or (op -1) the stage before it did: told once per error. */
  failed(segment: RunSegment, op: number, error: unknown): void {
    const stage =
      op >= 0
        ? this.stages.find((s) => s.segment === segment && s.op === op)
        : this.stages.find((s) => s.segment === segment && (s.kind === 'source' || s.kind !== 'op'));
    if (stage === undefined) return;
    this.published ??= new Set();
    if (this.published.has(error)) return;
    this.published.add(error);
    (this.failedAt ??= new Set()).add(stage.position);
    if (op < 0 && stage.gauge !== undefined) stage.gauge.errors++;
    if (CHANNELS.stageError.hasSubscribers) {
      const { name, position } = stage;
      CHANNELS.stageError.publish({ id: this.id, name, position, error });
    }
  }

  /** The last segment ended: so did the run. One never read was never opened: it has no close. */
  end(outcome: Outcome, closeError: { error: unknown } | undefined): void {
    if (!this.started || this.ending !== undefined) return;
    // Read by a meter and by the close message only: an unwatched run skips the clock.
    if (this.observer !== undefined || CHANNELS.close.hasSubscribers) this.endedAt = this.clock();
    this.unlist();
    this.ending = { outcome, closeError };
    this.observer?.ended(this);
    if (CHANNELS.close.hasSubscribers) {
      const { kind, error } = this.outcome!;
      const message: Record<string, unknown> = { id: this.id, outcome: kind };
      if (kind === 'error') message.error = error;
      if (kind === 'abort') message.reason = error;
      message.elapsedMs = this.endedAt! - this.openedAt;
      CHANNELS.close.publish(message);
    }
  }

  private unlist(): void {
    const { prevLive, nextLive } = this;
    if (prevLive !== undefined) prevLive.nextLive = nextLive;
    else if (LIVE.head === this) LIVE.head = nextLive;
    if (nextLive !== undefined) nextLive.prevLive = prevLive;
    this.prevLive = this.nextLive = undefined;
  }

  /** How it ended: a source's `return()` that threw fails a run that was ending normally. */
  get outcome(): { kind: PipelineOutcome; error?: unknown } | undefined {
    if (this.ending === undefined) return undefined;
    const { outcome, closeError } = this.ending;
    if (outcome.kind === 'error') return { kind: 'error', error: outcome.error };
    if (outcome.kind === 'end' && closeError !== undefined) return { kind: 'error', error: closeError.error };
    if (outcome.kind === 'abort') return { kind: 'abort', error: outcome.reason };
    return { kind: outcome.kind === 'end' ? 'done' : 'break' };
  }
}
