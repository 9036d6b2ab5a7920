/**
 * `sluice/otel`: a sluice `Meter`'s figures as OpenTelemetry instruments. Needs
 * `@opentelemetry/api` (an optional peer dependency) only for its types.
 * @module
 */
export { exportMeter, type ExportMeterOptions, type Unexport } from './export-meter.js';
