import { stopUpstream } from '../util/abort.js';
import { reasonOf } from './outcome.js';
import type { Outlet } from './outlet.js';
import type { PipelineRun, RunSegment } from './pipeline-run.js';
import { operatorName } from './stage-groups.js';

/**
 * When nothing is fused after a pipeline's last engine, the engine's outlet serves the reader
 * itself: a relay segment there would cost a hop per item, and its set-up on every run. What that
 * segment did is kept:
 * - the engine listens to the user's signal itself (from its first demand to its end, as the
 *   segment would), or, with none, to `own`, the signal the stages before it were given;
 * - `own` is aborted as the engine ends, however it ends;
 * - the run starts on the first read and ends with the engine, its failure reported as the
 *   engine's (`stand`, the engine's place in the run: a failure passed on from upstream was
 *   reported there first, and is told once).
 * A metered run keeps its segment: the meter measures at segment boundaries.
 */
export function serveDirectly<T>(
  outlet: Outlet<T>,
  own: AbortController | undefined,
  run: PipelineRun,
  stand: RunSegment,
): Outlet<T> {
  outlet.builtAt ??= run.builtAt;
  outlet.watcher = {
    opened: () => run.start(),
    ended: (outcome, closeError) => {
      if (own !== undefined) stopUpstream(own, reasonOf(outcome), outcome.kind === 'abort');
      if (outcome.kind === 'error') run.failed(stand, -1, outcome.error);
      run.end(outcome, closeError);
    },
  };
  return outlet;
}

/** The engine's place in the run's stages, where a segment would have stood. */
export function standIn(outlet: Outlet<any>): RunSegment {
  return {
    inlet: { pulling: false, finished: false },
    outlet,
    phase: 0,
    resumeAt: 0,
    pendingCall: undefined,
  };
}

/** A whole pipeline that is one engine source (merge, concat, zip): its outlet serves the reader. */
export function serveEngineSource<T>(
  open: (signal: AbortSignal) => Outlet<unknown>,
  signal: AbortSignal | undefined,
  run: PipelineRun,
): Outlet<T> {
  const own = signal === undefined ? new AbortController() : undefined;
  const outlet = open(signal ?? own!.signal);
  const stand = standIn(outlet);
  run.stages.push({ name: operatorName(outlet.label), position: 0, kind: 'engine', segment: stand, outlet });
  return serveDirectly(outlet as Outlet<T>, own, run, stand);
}
