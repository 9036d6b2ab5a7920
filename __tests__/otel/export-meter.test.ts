import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { drain, filter, map, Meter, named, pipe, range } from '../../lib/index.js';
import { exportMeter } from '../../lib/otel/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

let provider: MeterProvider;
let reader: PeriodicExportingMetricReader;
beforeEach(() => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 2 ** 31 - 1 });
  provider = new MeterProvider({ readers: [reader] });
});
afterEach(() => provider.shutdown());

async function collected(): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  return new Map(metrics.map((metric) => [metric.descriptor.name, metric]));
}

function valueFor(metric: MetricData | undefined, stage: string): unknown {
  return metric?.dataPoints.find((point) => point.attributes['sluice.stage'] === stage)?.value;
}

describe('exportMeter', () => {
  it('exports items in, out and errors as counters and the busy ratio and queue depth as gauges, per stage', async () => {
    const meter = new Meter();
    const stop = exportMeter(meter, { meter: provider.getMeter('test'), attributes: { pipeline: 'evens' } });
    await drain(
      pipe(
        range(0, 10),
        named(
          'double',
          map((n: number) => n * 2),
        ),
        filter((n: number) => n % 4 === 0),
        { meter },
      ),
    );
    const metrics = await collected();
    expect(valueFor(metrics.get('sluice.stage.items.in'), 'double')).toBe(10);
    expect(valueFor(metrics.get('sluice.stage.items.out'), 'filter')).toBe(5);
    expect(valueFor(metrics.get('sluice.stage.items.out'), 'source')).toBe(10);
    expect(valueFor(metrics.get('sluice.stage.errors'), 'double')).toBe(0);
    const busy = valueFor(metrics.get('sluice.stage.busy_ratio'), 'double') as number;
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(1);
    expect(valueFor(metrics.get('sluice.stage.queue_depth'), 'double')).toBe(0);
    const point = metrics.get('sluice.stage.items.in')!.dataPoints[0]!;
    expect(point.attributes).toMatchObject({ pipeline: 'evens', 'sluice.position': 0 });
    stop();
    stop[Symbol.dispose]();
    // Removed: a later run of the meter is no longer read (the SDK keeps the last cumulative value).
    await drain(
      pipe(
        range(0, 3),
        named(
          'double',
          map((n: number) => n * 2),
        ),
        { meter },
      ),
    );
    expect(valueFor((await collected()).get('sluice.stage.items.in'), 'double')).toBe(10);
  });

  it('takes a prefix, and rejects what is not a sluice Meter or an OpenTelemetry meter', () => {
    const meter = new Meter();
    const stop = exportMeter(meter, { meter: provider.getMeter('test'), prefix: 'etl' });
    stop();
    expect(() => exportMeter({} as Meter, { meter: provider.getMeter('test') })).toThrow(TypeError);
    expect(() => exportMeter(meter, { meter: {} as never })).toThrow(
      new TypeError('Expected `options.meter` to be an OpenTelemetry Meter, got an object'),
    );
    expect(() => exportMeter(meter, undefined as never)).toThrow(TypeError);
    expect(() => exportMeter(meter, { meter: provider.getMeter('test'), prefix: '' })).toThrow(TypeError);
  });
});
