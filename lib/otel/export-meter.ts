import type { Attributes, Meter as OtelMeter, BatchObservableResult, Observable } from '@opentelemetry/api';
import { isMeter, type Meter } from '../core/meter.js';
import type { StageSnapshot } from '../core/meter-snapshot.js';
import { assertOptions, describe } from '../util/validate.js';

/** Options of `exportMeter`. */
export interface ExportMeterOptions {
  /** The OpenTelemetry meter the instruments are made on (`metrics.getMeter('my-service')`). */
  meter: OtelMeter;
  /** The first part of every instrument's name. @default 'sluice' */
  prefix?: string | undefined;
  /** Attributes added to every figure, such as the pipeline's name. @default {} */
  attributes?: Attributes | undefined;
}

/** Removes the instruments' callback; also `Disposable`. */
export type Unexport = (() => void) & Disposable;

/**
 * Exports a sluice `Meter`'s figures as OpenTelemetry instruments, read from `meter.snapshot()`
 * each time the SDK collects (nothing is done between collections). Per stage, with the
 * attributes `sluice.stage` (its name) and `sluice.position`:
 * - counters `<prefix>.stage.items.in`, `<prefix>.stage.items.out`, `<prefix>.stage.errors`;
 * - gauges `<prefix>.stage.busy_ratio`, `<prefix>.stage.waiting_upstream_ratio` and
 *   `<prefix>.stage.waiting_downstream_ratio` (shares of the time since the last collection),
 *   `<prefix>.stage.queue_depth` and `<prefix>.stage.in_flight`.
 * `@opentelemetry/api` is an optional peer dependency: only its types are used, and `sluice`
 * and `sluice/inspect` never load it.
 *
 * @example
 * import { metrics } from '@opentelemetry/api';
 * const meter = new Meter();
 * const stop = exportMeter(meter, { meter: metrics.getMeter('ingest'), attributes: { pipeline: 'orders' } });
 * await drain(pipe(source, map(parse), { meter }));
 * stop();
 */
export function exportMeter(meter: Meter, options: ExportMeterOptions): Unexport {
  if (!isMeter(meter))
    throw new TypeError(`Expected \`meter\` to be a Meter (new Meter()), got ${describe(meter)}`);
  assertOptions('options', options);
  const { meter: otel, prefix = 'sluice', attributes = {} } = options ?? ({} as ExportMeterOptions);
  if (otel === null || typeof otel !== 'object' || typeof otel.addBatchObservableCallback !== 'function') {
    throw new TypeError(`Expected \`options.meter\` to be an OpenTelemetry Meter, got ${describe(otel)}`);
  }
  if (typeof prefix !== 'string' || prefix === '') {
    throw new TypeError(`Expected \`prefix\` to be a non-empty string, got ${describe(prefix)}`);
  }
  assertOptions('attributes', attributes);
  const name = (suffix: string): string => `${prefix}.stage.${suffix}`;
  const counters = {
    in: otel.createObservableCounter(name('items.in'), { description: 'Items a stage was handed' }),
    out: otel.createObservableCounter(name('items.out'), { description: 'Items a stage handed on' }),
    errors: otel.createObservableCounter(name('errors'), {
      description: 'Failures of a stage or its callbacks',
    }),
  };
  const ratio = { unit: '1' };
  const gauges = {
    busy: otel.createObservableGauge(name('busy_ratio'), { ...ratio, description: 'Share of time busy' }),
    up: otel.createObservableGauge(name('waiting_upstream_ratio'), {
      ...ratio,
      description: 'Waiting for input',
    }),
    down: otel.createObservableGauge(name('waiting_downstream_ratio'), {
      ...ratio,
      description: 'Output unread',
    }),
    queued: otel.createObservableGauge(name('queue_depth'), { description: 'Items a stage holds' }),
    inFlight: otel.createObservableGauge(name('in_flight'), { description: 'Callbacks running' }),
  };
  const observables: Observable[] = [...Object.values(counters), ...Object.values(gauges)];
  let previous = new Map<number, StageSnapshot>();

  const observe = (result: BatchObservableResult): void => {
    const seen = new Map<number, StageSnapshot>();
    for (const stage of meter.snapshot().stages) {
      const at = { ...attributes, 'sluice.stage': stage.name, 'sluice.position': stage.position };
      result.observe(counters.in, stage.in, at);
      result.observe(counters.out, stage.out, at);
      result.observe(counters.errors, stage.errors, at);
      const before = previous.get(stage.position);
      const busy = stage.busyMs - (before?.busyMs ?? 0);
      const up = stage.waitingUpstreamMs - (before?.waitingUpstreamMs ?? 0);
      const down = stage.waitingDownstreamMs - (before?.waitingDownstreamMs ?? 0);
      const total = busy + up + down;
      if (total > 0) {
        result.observe(gauges.busy, busy / total, at);
        result.observe(gauges.up, up / total, at);
        result.observe(gauges.down, down / total, at);
      }
      result.observe(gauges.queued, stage.queued, at);
      result.observe(gauges.inFlight, stage.inFlight, at);
      seen.set(stage.position, stage);
    }
    previous = seen;
  };
  otel.addBatchObservableCallback(observe, observables);
  let removed = false;
  const stop = (): void => {
    if (removed) return;
    removed = true;
    otel.removeBatchObservableCallback(observe, observables);
  };
  return Object.assign(stop, { [Symbol.dispose]: stop });
}
