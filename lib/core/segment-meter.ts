import { now } from '../util/timers.js';
import { Gauge, LinkGauge, SourceGauge } from './gauge.js';
import type { Outcome } from './outcome.js';

/** The metered run going on now: a run nested in it (a synchronous pull) is not its own time. */
let current: SegmentMeter | undefined;

/** Every run is timed while a segment is young (`ALWAYS_TIMED` runs), then one run in `SAMPLE_EVERY`. */
const [ALWAYS_TIMED, SAMPLE_EVERY] = [16, 16];

/**
 * Meters one segment: a gauge per fused op, and the gauges on each side of it (its source, or the
 * stage before it; the stage after it). The clock is read only at asynchronous boundaries: entries
 * (a demand, an item or a callback's result from a promise) and exits (a wait on a pull, a
 * callback's promise, a reader). A synchronous run's time is split between its ops in proportion
 * to per-op timings sampled on the first 16 runs and one run in 16 after. Unsampled, a run handing
 * over to its reader is given the sampled average; and in a segment with no engine beside it, waits
 * on the reader or the source are not timed one by one: the next reading of the clock gives the
 * waits and runs counted meanwhile their sampled averages and the rest to the wait that ends, so a
 * chain of cheap synchronous stages reads the clock on about one item in 16.
 * Slots: 0 pulling (every op waits upstream), `i + 1` op `i` runs (the ops before it wait
 * downstream, the ops after it upstream), `k + 1` handing over or idle (every op waits downstream).
 */
export class SegmentMeter {
  /** Sampled time per slot, in ms: the weights a run's time is split by. */
  readonly weights: Float64Array;
  sampling = false;
  private depth = 0;
  private slot: number;
  private since: number;
  private slotSince: number;
  /** Time waited in each slot, and the total of the synchronous runs (split by `weights` when read). */
  private readonly waited: Float64Array;
  private runTotal = 0;
  private runStart = 0;
  private ran = false;
  private runs = 0;
  private sampledRuns = 0;
  private sampledTime = 0;
  private outer: SegmentMeter | undefined;
  private upstreamFailed = false;
  private deferred = false; // an entry whose time was not read (see `enter`)
  /** Waits and runs since the clock was last read. */
  private readonly window = { idles: 0, pulls: 0, runs: 0 };
  /** Waits timed alone: on the reader (idle) and on the source (pull). */
  private readonly stats = { idles: 0, idleTime: 0, pulls: 0, pullTime: 0 };

  constructor(
    readonly ops: readonly Gauge[],
    readonly upstream: SourceGauge | LinkGauge,
    public downstream: LinkGauge | undefined,
  ) {
    this.since = this.slotSince = this.createdAt = now();
    this.outs = new Float64Array(ops.length);
    this.linked = upstream instanceof LinkGauge ? upstream : undefined;
    this.slot = ops.length + 1;
    this.weights = new Float64Array(ops.length + 2);
    this.waited = new Float64Array(ops.length + 2);
  }

  /** Items each op handed on; items that arrived; items handed to the reader. */
  readonly outs: Float64Array;
  private arrivals = 0;
  pushes = 0;
  private readonly createdAt: number;
  /** The stage before, when it is an engine or a foreign stage (told when this segment pulls). */
  private readonly linked: LinkGauge | undefined;

  /** An item arrived from upstream. */
  arrived = (): number => ((this.ran = true), this.arrivals++);

  /** The source failed (not a callback of this segment). */
  sourceFailed(): void {
    this.upstreamFailed = true;
  }

  enter(): void {
    if (this.depth++ > 0) return;
    this.outer = current;
    current = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the run going on now
    this.ran = false;
    this.sampling = this.runs < ALWAYS_TIMED || this.runs % SAMPLE_EVERY === 0;
    this.runs++;
    const idle = this.ops.length + 1;
    // Unsampled, a wait on the reader or the source of a segment with no engine beside it ends
    // without reading the clock: the next reading splits the time between as sampled (`closeWindow`).
    const cheap = this.linked === undefined && this.downstream === undefined;
    if (!this.sampling && cheap && (this.slot === 0 || this.slot === idle)) {
      if (this.slot === 0) this.window.pulls++;
      else this.window.idles++;
      this.deferred = true;
      return;
    }
    const t = now();
    this.closeWindow(t, this.slot, true);
    this.runStart = t;
  }

  /**
   * Attributes the time since the clock was last read: the waits and runs counted meanwhile get
   * their sampled averages, and what is left goes to `open`, the slot whose wait ends now (or the
   * run going on, for -1). A wait timed alone is a sample of its kind, when `sample`.
   */
  private closeWindow(t: number, open: number, sample: boolean): void {
    const interval = Math.max(0, t - this.since);
    const { window: w, waited, stats } = this;
    const idle = this.ops.length + 1;
    const avg = (time: number, count: number): number => (count > 0 ? time / count : 0);
    const idles = w.idles * avg(stats.idleTime, stats.idles);
    const pulls = w.pulls * avg(stats.pullTime, stats.pulls);
    const runs = w.runs * avg(this.sampledTime, this.sampledRuns);
    const estimated = idles + pulls + runs;
    const scale = estimated > interval ? interval / estimated : 1;
    waited[idle] += idles * scale;
    waited[0] += pulls * scale;
    this.runTotal += runs * scale;
    const rest = Math.max(0, interval - estimated);
    if (open < 0) this.runTotal += rest;
    else waited[open] += rest;
    if (sample && estimated === 0 && (open === 0 || open === idle)) {
      if (open === 0) [stats.pulls, stats.pullTime] = [stats.pulls + 1, stats.pullTime + rest];
      else [stats.idles, stats.idleTime] = [stats.idles + 1, stats.idleTime + rest];
    }
    w.idles = w.pulls = w.runs = 0;
    this.since = t;
  }

  /** The synchronous run ends: it now waits in `slot`; `asked`: its reader waits for a value. */
  exit(slot: number, asked: boolean): void {
    if (--this.depth > 0) return;
    current = this.outer;
    this.outer = undefined;
    if (this.deferred) {
      this.deferred = false;
      if (this.ran) this.window.runs++;
      if (slot === 0 || slot === this.ops.length + 1) {
        this.slot = slot; // a cheap wait begins, untimed
        return;
      }
      const t = now(); // a callback's promise: waits on it are timed exactly
      this.closeWindow(t, -1, false);
      return this.settle(slot, asked, t);
    }
    let t: number;
    if (!this.ran)
      t = this.runStart; // nothing ran: the pull set up counts as waiting on it
    else if (this.sampling || slot !== this.ops.length + 1 || this.sampledRuns === 0) {
      t = now();
      this.sampledRuns++;
      this.sampledTime += t - this.runStart;
    } else t = this.runStart + this.sampledTime / this.sampledRuns;
    const run = t - this.runStart;
    if (run > 0) this.runTotal += run;
    if (current !== undefined) current.runStart += run; // a nested run is not the outer one's time
    this.settle(slot, asked, t);
  }

  private settle(slot: number, asked: boolean, t: number): void {
    if (slot !== this.slot) this.slotSince = t;
    this.slot = slot;
    this.since = t;
    if (this.linked !== undefined) this.linked.setWanted(slot === 0, t);
    this.downstream?.setAsking(asked, t);
  }

  /** The callback of op `i` is in flight (for a dump or a snapshot). */
  calling(i: number): boolean {
    return this.depth === 0 && this.slot === i + 1;
  }

  /** Writes the figures into the ops' gauges, up to `t`. */
  flush(t: number): void {
    if (this.depth > 0) return;
    this.closeWindow(t, this.slot, false);
    const { ops, weights, waited, runTotal, slot, upstream, outs } = this;
    const k = ops.length;
    upstream.out = this.arrivals;
    if (this.downstream !== undefined) this.downstream.in = this.pushes;
    if (upstream instanceof SourceGauge && upstream.ended === undefined) {
      upstream.waitingUpstreamMs = waited[0]!;
      upstream.waitingDownstreamMs = t - this.createdAt - waited[0]!;
      const state = slot === 0 ? 'waiting-upstream' : 'waiting-downstream';
      if (state !== upstream.live) [upstream.live, upstream.liveSince] = [state, this.slotSince];
    }
    let total = 0;
    for (let s = 1; s <= k + 1; s++) total += weights[s]!;
    const spent = (s: number): number =>
      waited[s]! + (total > 0 ? (runTotal * weights[s]!) / total : s === k + 1 ? runTotal : 0);
    for (let i = 0; i < k; i++) {
      const gauge = ops[i]!;
      if (gauge.ended !== undefined) continue;
      gauge.in = i === 0 ? this.arrivals : outs[i - 1]!;
      gauge.out = outs[i]!;
      let up = 0;
      let down = 0;
      for (let s = 0; s <= k + 1; s++) {
        if (s < i + 1) up += spent(s);
        else if (s > i + 1) down += spent(s);
      }
      gauge.busyMs = spent(i + 1);
      gauge.waitingUpstreamMs = up;
      gauge.waitingDownstreamMs = down;
      const state = i + 1 === slot ? 'busy' : i + 1 < slot ? 'waiting-downstream' : 'waiting-upstream';
      if (state !== gauge.live) [gauge.live, gauge.liveSince] = [state, this.slotSince];
    }
  }

  /** The segment ended (its source's `return()` threw `closeError`); `failedOp` failed, if one did. */
  finish(end: Outcome, closeError: { error: unknown } | undefined, failedOp: number | undefined): void {
    const outcome: Outcome =
      closeError && end.kind === 'end' ? { kind: 'error', error: closeError.error } : end;
    const t = now();
    this.flush(t);
    this.ops.forEach((gauge, i) => gauge.finish(outcome, t, i === failedOp));
    this.upstream.finish(outcome, t, this.upstreamFailed && outcome.kind === 'error');
    this.downstream?.setAsking(false, t);
  }
}
