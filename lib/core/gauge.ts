import type { Outcome } from './outcome.js';

/** What a stage is doing now, in the words of `meter.snapshot()` and `dumpPipelines()`. */
export type StageState = 'waiting-upstream' | 'busy' | 'waiting-downstream' | 'done' | 'failed';

/** What an engine can tell about itself; asked only when a snapshot or a dump is taken. */
export interface EngineProbe {
  /** Callbacks running now. */
  inFlight?: number;
  /** Items it holds: a buffer's queue, a batch being filled, results waiting in a reorder window. */
  queued?: number;
  /** Its bound: `concurrency`, a buffer's `capacity`, a batch's `size`. */
  capacity?: number;
}

/**
 * The figures of one stage of a metered pipeline: counters, and its time split between busy,
 * waiting upstream and waiting downstream. Who drives it depends on the stage: a `Segment` for its
 * fused ops and its source, a `LinkGauge` for an engine or a foreign stage.
 */
export class Gauge {
  in = 0;
  out = 0;
  errors = 0;
  busyMs = 0;
  waitingUpstreamMs = 0;
  waitingDownstreamMs = 0;
  /** The state now while running, and since when. */
  live: StageState = 'waiting-downstream';
  liveSince: number;
  ended: { failed: boolean; error: unknown } | undefined;
  /** Asked at snapshot time: what the engine holds (parallelMap, buffer, batch). */
  probe: (() => EngineProbe) | undefined;
  /** Callbacks of this stage running now. */
  inFlightNow: () => number = () => 0;

  constructor(
    readonly name: string,
    readonly position: number,
    public capacity: number | undefined,
    t: number,
  ) {
    this.liveSince = t;
  }

  enter(state: StageState, t: number): void {
    if (state === this.live) return;
    this.live = state;
    this.liveSince = t;
  }

  /** Ends it once: `failed` when the stage's own work failed (not an error passed on from upstream). */
  finish(outcome: Outcome, t: number, failed = outcome.kind === 'error'): void {
    if (this.ended !== undefined) return;
    this.ended = { failed, error: outcome.kind === 'error' ? outcome.error : undefined };
    this.live = failed ? 'failed' : 'done';
    this.liveSince = t;
  }

  /** Brings the time figures up to `t` (a snapshot is taken); the drivers override it. */
  flush(_t: number): void {}
}

/** The gauge of a pipeline's source, written by the first segment's meter (its pull waits). */
export class SourceGauge extends Gauge {
  constructor(name: string, t: number) {
    super(name, 0, undefined, t);
  }
}

/**
 * The gauge of a stage between two segments: an engine (parallelMap, buffer, batch…) or a foreign
 * stage (an ix operator). Its state follows from its two edges and its calls in flight:
 * - `inFlight / concurrency` of the time is busy (the time-average of calls in flight over n);
 * - the rest is waiting upstream while it has a read pending on its source (`asking`), else busy
 *   while its reader waits for it (`wanted`: handing over, waiting on a timer, a foreign stage's
 *   own work), else waiting downstream.
 */
export class LinkGauge extends Gauge {
  private asking = false;
  private wanted = false;
  private flying = 0;
  private since: number;

  constructor(name: string, position: number, capacity: number | undefined, t: number) {
    super(name, position, capacity, t);
    this.since = t;
  }

  /** Calls running now (parallelMap): each change is timed. */
  setInFlight(n: number, t: number): void {
    this.flush(t);
    this.flying = n;
    this.settle(t);
  }

  setAsking(asking: boolean, t: number): void {
    if (asking === this.asking) return;
    this.flush(t);
    this.asking = asking;
    this.settle(t);
  }

  setWanted(wanted: boolean, t: number): void {
    if (wanted === this.wanted) return;
    this.flush(t);
    this.wanted = wanted;
    this.settle(t);
  }

  get inFlight(): number {
    return this.flying;
  }

  override flush(t: number): void {
    const dt = t - this.since;
    this.since = t;
    if (dt <= 0 || this.ended !== undefined) return;
    const n = this.capacity ?? 1;
    const share = this.flying > 0 ? Math.min(1, this.flying / n) : !this.asking && this.wanted ? 1 : 0;
    this.busyMs += dt * share;
    const rest = dt * (1 - share);
    if (this.asking) this.waitingUpstreamMs += rest;
    else this.waitingDownstreamMs += rest;
  }

  override finish(outcome: Outcome, t: number, failed?: boolean): void {
    this.flush(t);
    super.finish(outcome, t, failed);
  }

  private settle(t: number): void {
    if (this.ended !== undefined) return;
    const state =
      this.flying > 0 || (!this.asking && this.wanted)
        ? 'busy'
        : this.asking
          ? 'waiting-upstream'
          : 'waiting-downstream';
    this.enter(state, t);
  }
}
