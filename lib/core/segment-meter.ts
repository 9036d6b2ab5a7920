import { now } from '../util/timers.js';
import { Gauge, LinkGauge, SourceGauge } from './gauge.js';
import type { Outcome } from './outcome.js';

/** The metered run going on now: a run nested in it (a synchronous pull) is not its own time. */
let current: SegmentMeter | undefined;

/** Every run is timed while a segment is young, then one run in `SAMPLE_EVERY`. */
const ALWAYS_TIMED = 16;
const SAMPLE_EVERY = 16;

/**
 * Meters one segment: a gauge per fused op, and the gauges on each side of it (its source, or the
 * engine or foreign stage before it; the stage after it). Time is read only at the segment's
 * asynchronous boundaries: when it is entered (a reader's demand, an item or a callback's result
 * arriving from a promise) and when it leaves (it waits on a pull, a callback's promise, or a
 * reader). In between it runs synchronously; that run's time is split between its ops in
 * proportion to per-op timings sampled on the first 16 runs and one run in 16 after. A run that is
 * not sampled and ends handing over to its reader is not timed at all: it is given the sampled
 * average, so a chain of cheap synchronous stages reads the clock about twice per item.
 *
 * Slots: 0 pulling (every op waits upstream), `i + 1` op `i` runs (the ops before it wait
 * downstream, the ops after it upstream), `k + 1` handing over or idle (every op waits downstream).
 */
export class SegmentMeter {
  /** Sampled time per slot, in ms: the weights a run's time is split by. */
  readonly weights: Float64Array;
  sampling = false;
  /** Items handed to the reader: the `in` of the stage after this segment. */
  private depth = 0;
  private slot = 0;
  private since: number;
  private runStart = 0;
  private ran = false;
  private runs = 0;
  private sampledRuns = 0;
  private sampledTime = 0;
  private outer: SegmentMeter | undefined;
  private upstreamFailed = false;

  constructor(
    readonly ops: readonly Gauge[],
    readonly upstream: SourceGauge | LinkGauge,
    public downstream: LinkGauge | undefined,
  ) {
    this.since = now();
    this.slot = ops.length + 1;
    this.weights = new Float64Array(ops.length + 2);
  }

  /** An item arrived from upstream. */
  arrived(): void {
    this.ran = true;
    this.upstream.out++;
  }

  /** An item was handed to the reader. */
  pushed(): void {
    if (this.downstream !== undefined) this.downstream.in++;
  }

  /** The source failed (not a callback of this segment). */
  sourceFailed(): void {
    this.upstreamFailed = true;
  }

  enter(): void {
    if (this.depth++ > 0) return;
    const t = now();
    this.accountWait(t);
    this.outer = current;
    current = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the run going on now
    this.runStart = t;
    this.ran = false;
    this.sampling = this.runs < ALWAYS_TIMED || this.runs % SAMPLE_EVERY === 0;
    this.runs++;
  }

  /** The synchronous run ends: it now waits in `slot`; `asked`: its reader waits for a value. */
  exit(slot: number, asked: boolean): void {
    if (--this.depth > 0) return;
    let t: number;
    if (!this.ran)
      t = this.runStart; // nothing ran: the pull set up counts as waiting on it
    else if (this.sampling || slot !== this.ops.length + 1 || this.sampledRuns === 0) {
      t = now();
      this.sampledRuns++;
      this.sampledTime += t - this.runStart;
    } else t = this.runStart + this.sampledTime / this.sampledRuns;
    const run = t - this.runStart;
    if (run > 0) this.accountRun(run);
    current = this.outer;
    this.outer = undefined;
    if (current !== undefined) current.runStart += run; // a nested run is not the outer one's time
    this.slot = slot;
    this.since = t;
    this.upstream.setWanted(slot === 0, t);
    this.downstream?.setAsking(asked, t);
    this.showSlot(t);
  }

  /** The callback of op `i` is in flight (for a dump or a snapshot). */
  calling(i: number): boolean {
    return this.depth === 0 && this.slot === i + 1;
  }

  flush(t: number): void {
    if (this.depth > 0) return;
    this.accountWait(t);
  }

  /** The segment ended (its source's `return()` threw `closeError`); `failedOp` failed, if one did. */
  finish(end: Outcome, closeError: { error: unknown } | undefined, failedOp: number | undefined): void {
    const outcome: Outcome =
      closeError && end.kind === 'end' ? { kind: 'error', error: closeError.error } : end;
    const t = now();
    if (this.depth === 0) this.accountWait(t);
    this.ops.forEach((gauge, i) => gauge.finish(outcome, t, i === failedOp));
    const upstreamFailed = this.upstreamFailed && outcome.kind === 'error';
    this.upstream.finish(outcome, t, upstreamFailed);
    this.downstream?.setAsking(false, t);
  }

  private accountWait(t: number): void {
    const dt = t - this.since;
    this.since = t;
    if (dt > 0) this.add(this.slot, dt);
  }

  private accountRun(run: number): void {
    const { weights } = this;
    let total = 0;
    for (let s = 1; s < weights.length; s++) total += weights[s]!;
    if (total <= 0) return this.add(this.ops.length + 1, run);
    for (let s = 1; s < weights.length; s++) if (weights[s]! > 0) this.add(s, (run * weights[s]!) / total);
  }

  /** `dt` spent in `slot`: the op running is busy, those before it wait downstream, after it upstream. */
  private add(slot: number, dt: number): void {
    const { ops } = this;
    for (let i = 0; i < ops.length; i++) {
      const gauge = ops[i]!;
      if (gauge.ended !== undefined) continue;
      if (i + 1 === slot) gauge.busyMs += dt;
      else if (i + 1 < slot) gauge.waitingDownstreamMs += dt;
      else gauge.waitingUpstreamMs += dt;
    }
  }

  private showSlot(t: number): void {
    const { ops, slot } = this;
    for (let i = 0; i < ops.length; i++) {
      const gauge = ops[i]!;
      if (gauge.ended !== undefined) continue;
      gauge.enter(i + 1 === slot ? 'busy' : i + 1 < slot ? 'waiting-downstream' : 'waiting-upstream', t);
    }
  }
}
