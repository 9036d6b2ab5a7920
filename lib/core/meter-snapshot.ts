import { now } from '../util/timers.js';
import type { StageState } from './gauge.js';
import type { PipelineRun, RunStage } from './pipeline-run.js';

/** One stage in a `meter.snapshot()`: the source first (position 0), then each stage of `pipe`. */
export interface StageSnapshot {
  /** Its `named(...)` name, else its operator's (`map`, `parallelMap`, `batch`…); `source` for the source. */
  name: string;
  /** 0 for the source, then 1, 2… in the order given to `pipe`. */
  position: number;
  /** Items it was handed (0 for the source). */
  in: number;
  /** Items it handed on (a filter's are fewer than its `in`). */
  out: number;
  /** Calls of its callback that failed (or the source's failure, or a foreign stage's). */
  errors: number;
  /** Its callbacks running now. */
  inFlight: number;
  /** Items it holds now: a buffer's queue, a batch being filled, results waiting to be read. */
  queued: number;
  /** Its bound (`concurrency`, `capacity`, a batch's `size`; 1 for a fused stage), if it has one. */
  capacity: number | undefined;
  /** Time in its own work; for concurrency n, the time-average of calls in flight divided by n. */
  busyMs: number;
  /** Time with demand pending and no input (for the source: a `next()` pending). */
  waitingUpstreamMs: number;
  /** Time with its output ready (or nothing asked of it) and nobody asking. */
  waitingDownstreamMs: number;
  state: StageState;
  /** How long it has been in `state`, in ms. */
  stateMs: number;
}

/** What `meter.snapshot()` returns. */
export interface MeterSnapshot {
  /** Time since the run started (its first `next()`), to its end or to now. */
  elapsedMs: number;
  stages: StageSnapshot[];
  /** The name of the stage limiting throughput, or `undefined` when the consumer is the limit. */
  bottleneck: string | undefined;
}

/** A share above which a stage is said to do something "most of the time". */
const MOST = 0.5;

export function snapshotOf(run: PipelineRun | undefined): MeterSnapshot {
  if (run === undefined || !run.started) return { elapsedMs: 0, stages: [], bottleneck: undefined };
  const t = run.endedAt ?? now();
  for (const flusher of run.flushers ?? []) flusher.flush(t);
  const stages = run.stages.map((stage) => stageSnapshot(run, stage, t));
  return { elapsedMs: t - run.openedAt, stages, bottleneck: bottleneckOf(stages) };
}

function stageSnapshot(run: PipelineRun, stage: RunStage, t: number): StageSnapshot {
  const { name, position } = stage;
  const gauge = stage.gauge!;
  const probe = gauge.probe?.() ?? {};
  const state = gauge.ended === undefined ? gauge.live : run.failedAt?.has(position) ? 'failed' : 'done';
  return {
    name,
    position,
    in: gauge.in,
    out: gauge.out,
    errors: gauge.errors,
    inFlight: gauge.ended === undefined ? (probe.inFlight ?? gauge.inFlightNow()) : 0,
    queued: gauge.ended === undefined ? (probe.queued ?? 0) : 0,
    capacity: gauge.capacity,
    busyMs: gauge.busyMs,
    waitingUpstreamMs: gauge.waitingUpstreamMs,
    waitingDownstreamMs: gauge.waitingDownstreamMs,
    state,
    stateMs: t - gauge.liveSince,
  };
}

function total(stage: StageSnapshot): number {
  return stage.busyMs + stage.waitingUpstreamMs + stage.waitingDownstreamMs;
}

/** The share of its time a stage spends on what limits the pipeline: the source's is its wait on the world. */
export function workShare(stage: StageSnapshot): number {
  const time = total(stage);
  if (time <= 0) return 0;
  return (stage.position === 0 ? stage.busyMs + stage.waitingUpstreamMs : stage.busyMs) / time;
}

/**
 * The stage that limits throughput: the one busy the largest share of its time, if that is most of
 * it (its upstream then waits downstream on it, its downstream upstream for it). None when the
 * last stage mostly waits downstream: the consumer is the limit.
 */
export function bottleneckOf(stages: readonly StageSnapshot[]): string | undefined {
  const last = stages[stages.length - 1];
  if (last === undefined || total(last) <= 0) return undefined;
  if (last.waitingDownstreamMs / total(last) > MOST) return undefined;
  let best: StageSnapshot | undefined;
  for (const stage of stages) if (best === undefined || workShare(stage) > workShare(best)) best = stage;
  return best !== undefined && workShare(best) > MOST ? best.name : undefined;
}
