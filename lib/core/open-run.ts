import { Outlet } from './outlet.js';
import { Segment } from './segment.js';
import { serveDirectly, serveEngineSource, standIn } from './direct.js';
import { directSource } from './direct-source.js';
import { openerOf } from './engine-source.js';
import { stageSpec } from './stage-spec.js';
import { recording } from '../util/registry.js';
import { nameOf } from './named.js';
import {
  callForeignStage,
  endsInEngine,
  foreignName,
  type Group,
  operatorName,
  segmentLabel,
} from './stage-groups.js';
import type { PipelineRun } from './pipeline-run.js';
import { reasonOf } from './outcome.js';
import { gaugeStages, meterSegment, meterStage } from './meter-build.js';
import { carriedRun } from './carried-source.js';
import { LeasedOutlet } from './leased-outlet.js';

/** What a run is built from: a pipeline's parts (`pipeline.ts`). */
export interface RunParts {
  readonly source: AsyncIterable<unknown>;
  readonly builtAt: string | undefined;
  /** The source carries leases (`ack: 'auto'`): the stages run over `Carried` values. */
  readonly leased: boolean;
}

/**
 * A run that is one segment of fused ops over the source, with no meter and no leases: the
 * common case, so its stages are described for a dump only when one reads them.
 */
export function openFused<T>(
  source: AsyncIterable<unknown>,
  group: Group,
  stopSignals: readonly AbortSignal[],
  run: PipelineRun,
): Outlet<T> {
  const label = recording() ? segmentLabel(group, true) : 'pipe';
  const segment = new Segment<T>(source, {
    ops: group.ops,
    stopSignals,
    owned: undefined,
    label,
    run,
    final: run,
  });
  run.describeLater(segment, group);
  segment.outlet.builtAt = run.builtAt;
  return segment.outlet;
}

/**
 * Builds one run of any other pipeline: runs of fusable stages become the ops of one `Segment`,
 * and every other stage sits between two segments. Each segment owns the signal of the stage that
 * feeds it (and of its own callbacks) and aborts it when it ends, however it ends, while it
 * listens to the signal of the stage that reads it: so the end of any segment reaches every stage
 * upstream at once, and cleanup never waits on a stage nobody told to stop.
 */
export function openStages<T>(
  { source, builtAt, leased }: RunParts,
  groups: readonly Group[],
  run: PipelineRun,
  userSignals: readonly AbortSignal[],
): Outlet<T> {
  const named = recording(); // labels are for the ledger: built only while it records
  const last = groups.length - 1;
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
