import { userSite } from '../util/site.js';
import type { StageState } from './gauge.js';
import type { PipelineRun, RunStage } from './pipeline-run.js';
import { CALLING, CLOSING, PULLING } from './segment-options.js';
import { liveRuns } from './pipeline-run.js';

/** One stage of an open pipeline, as `livePipelines()` finds it. */
export interface LiveStage {
  name: string;
  position: number;
  state: StageState;
  /** How long it has been in `state`: exact when metered or traced, else undefined. */
  stateMs: number | undefined;
  /** Its callbacks running now. */
  inFlight: number;
  /** The index (0, 1…) of the item its callback is working on, when one is. */
  inFlightIndex: number | undefined;
  /** Items it holds (a buffer's queue, a batch, results waiting to be read). */
  queued: number;
  /** For the source: a `next()` on it is pending. */
  pendingNext: boolean;
}

/** An open pipeline, as `livePipelines()` finds it. */
export interface LivePipeline {
  /** The same `id` as in the diagnostics messages. */
  id: number;
  /** Where your code built it (`file:line:column`), with `SLUICE_TRACE=1` or `captureStacks: true`. */
  builtAt: string | undefined;
  /** The whole stack where it was built, when captured. */
  stack: string | undefined;
  /** Time since its first `next()`. */
  openMs: number;
  /** Whether it is metered (a `Meter`, `captureStacks`, `SLUICE_TRACE=1`): times in state are then exact. */
  metered: boolean;
  stages: LiveStage[];
}

/** Every pipeline still open (started and not ended), oldest first. */
export function openPipelines(): LivePipeline[] {
  return liveRuns().map((run) => viewRun(run, run.clock()));
}

export function viewRun(run: PipelineRun, t: number): LivePipeline {
  for (const flusher of run.flushers ?? []) flusher.flush(t);
  return {
    id: run.id,
    builtAt: userSite(run.builtAt),
    stack: run.builtAt,
    openMs: t - run.openedAt,
    metered: run.metered,
    stages: run.stages.map((stage) => viewStage(stage, t)),
  };
}

function viewStage(stage: RunStage, t: number): LiveStage {
  const { name, position, kind, segment, gauge } = stage;
  let state: StageState;
  let inFlight = 0;
  let inFlightIndex: number | undefined;
  let queued = 0;
  const pendingNext = kind === 'source' && segment.inlet.pulling;
  if (kind === 'source') {
    state = segment.inlet.finished ? 'done' : pendingNext ? 'waiting-upstream' : 'waiting-downstream';
  } else if (kind === 'op') {
    const op = stage.op!;
    const { phase, resumeAt } = segment;
    if (phase >= CLOSING) state = 'done';
    else if (phase === CALLING) {
      state = resumeAt === op ? 'busy' : resumeAt > op ? 'waiting-downstream' : 'waiting-upstream';
      if (resumeAt === op) [inFlight, inFlightIndex] = [1, segment.pendingCall?.index];
    } else state = phase === PULLING ? 'waiting-upstream' : 'waiting-downstream';
  } else {
    const probe = (
      stage.outlet?.owner as { probe?: () => { inFlight?: number; queued?: number } }
    )?.probe?.();
    inFlight = probe?.inFlight ?? 0;
    queued = probe?.queued ?? 0;
    const asking = stage.before?.outlet.waiting === true;
    const wanted = stage.outlet ? stage.outlet.waiting : segment.inlet.pulling;
    if (stage.outlet?.ended) state = 'done';
    else if (inFlight > 0 || (!asking && wanted)) state = 'busy';
    else state = asking ? 'waiting-upstream' : 'waiting-downstream';
  }
  // A gauge knows since when; its state is the one it measured (the same, read at its boundaries).
  if (gauge !== undefined && gauge.ended === undefined && gauge.live === state) {
    return {
      name,
      position,
      state,
      stateMs: t - gauge.liveSince,
      inFlight,
      inFlightIndex,
      queued,
      pendingNext,
    };
  }
  return { name, position, state, stateMs: undefined, inFlight, inFlightIndex, queued, pendingNext };
}
