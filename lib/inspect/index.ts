/**
 * `sluice/inspect`: see inside running pipelines. A `Meter` measures one pipeline (`pipe(..., {
 * meter })`), `watch` shows it live, `livePipelines`/`dumpPipelines`/`dumpOnSignal` tell what every
 * open pipeline is waiting on. Never loads OpenTelemetry (that is `sluice/otel`).
 * @module
 */
export { named } from '../core/named.js';
export { Meter } from '../core/meter.js';
export type { MeterSnapshot, StageSnapshot } from '../core/meter-snapshot.js';
export type { StageState } from '../core/gauge.js';
export type { LivePipeline, LiveStage } from '../core/run-view.js';
export { livePipelines, dumpPipelines, dumpOnSignal, type DumpOnSignalOptions } from './dump.js';
export { watch, type WatchOptions, type WatchOutput, type Watcher } from './watch.js';
