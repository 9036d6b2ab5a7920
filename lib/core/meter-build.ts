import { now } from '../util/timers.js';
import { Gauge, LinkGauge, SourceGauge } from './gauge.js';
import { MeteredSegment } from './metered-segment.js';
import type { PipelineRun, RunObserver, RunStage } from './pipeline-run.js';
import type { Segment } from './segment.js';
import { SegmentMeter } from './segment-meter.js';
import type { SegmentOptions } from './segment-options.js';

/** The meter of a run traced without one (`captureStacks`, `SLUICE_TRACE=1`): its gauges serve dumps. */
export const TRACING: RunObserver = { attach() {}, ended() {} };

const meters = new WeakMap<object, SegmentMeter>();

/**
 * A metered segment: a gauge per op (named and placed as `openPipeline` lists them), and the gauge
 * of what it reads: the source for the first segment, else the stage before it.
 */
export function meterSegment(
  run: PipelineRun,
  upstream: AsyncIterable<unknown>,
  options: SegmentOptions,
  names: readonly string[],
  positions: readonly number[],
): Segment<unknown> {
  const t = now();
  const before = run.stages[run.stages.length - 1]?.gauge;
  const reads = before instanceof LinkGauge ? before : new SourceGauge('source', t);
  const ops = names.map((name, i) => new Gauge(name, positions[i]!, 1, t));
  const meter = new SegmentMeter(ops, reads, undefined);
  ops.forEach((gauge, i) => (gauge.inFlightNow = () => (meter.calling(i) ? 1 : 0)));
  (run.flushers ??= []).push(meter);
  const segment = new MeteredSegment<unknown>(upstream, options, meter);
  meters.set(segment, meter);
  return segment;
}

/** Hands each listed stage of `segment` (its source, its ops) the gauge made for it. */
export function gaugeStages(stages: readonly RunStage[], segment: object): void {
  const meter = meters.get(segment);
  if (meter === undefined) return;
  for (const stage of stages) {
    if (stage.segment !== segment) continue;
    if (stage.kind === 'source') stage.gauge = meter.upstream;
    else if (stage.kind === 'op') stage.gauge = meter.ops[stage.op!];
  }
}

/** A metered engine or foreign stage: its gauge, told by the segments on each side of it. */
export function meterStage(run: PipelineRun, stage: RunStage): void {
  const gauge = new LinkGauge(stage.name, stage.position, undefined, now());
  stage.gauge = gauge;
  gauge.inFlightNow = () => gauge.inFlight;
  (run.flushers ??= []).push(gauge);
  const owner = stage.outlet?.owner as { attachGauge?: (gauge: LinkGauge) => void } | undefined;
  owner?.attachGauge?.(gauge);
  const before = stage.before === undefined ? undefined : meters.get(stage.before);
  if (before !== undefined) before.downstream = gauge;
}
