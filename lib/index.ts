export type {
  CallbackContext,
  Message,
  Callback,
  DropPolicy,
  Overflow,
  NodeReadableLike,
  Outputs,
  Result,
  SignalOptions,
  Source,
  Stage,
  StageContext,
} from './core/types.js';
export { pipe, Pipeline, type PipeOptions } from './core/pipe.js';
export { from } from './core/from.js';
export { map } from './stages/map.js';
export { filter, type Truthy } from './stages/filter.js';
export { tap } from './stages/tap.js';
export { take } from './stages/take.js';
export { scan } from './stages/scan.js';
export { drop } from './stages/drop.js';
export { takeWhile } from './stages/take-while.js';
export { dropWhile } from './stages/drop-while.js';
export { takeUntil } from './stages/take-until.js';
export { catchError } from './stages/catch-error.js';
export { timeout, type TimeoutOptions } from './stages/timeout.js';
export { collect } from './sinks/collect.js';
export { drain } from './sinks/drain.js';
export { forEach } from './sinks/for-each.js';
export { reduce } from './sinks/reduce.js';
export { lines, type LinesOptions } from './text/lines.js';
export { ndjson } from './text/ndjson.js';
export { range } from './sources/range.js';
export { repeat } from './sources/repeat.js';
export { repeatFn } from './sources/repeat-fn.js';
export { interval } from './sources/interval.js';
export { after } from './tasks/after.js';
export { withSignal } from './sources/with-signal.js';
export { anySignal, type DisposableSignal } from './tasks/any-signal.js';
export { parallelMap, type ParallelMapOptions } from './fan/parallel-map.js';
export { merge, type SourceValue } from './fan/merge.js';
export { mergeAll, type MergeAllOptions } from './fan/merge-all.js';
export { flatten } from './fan/flatten.js';
export { concat } from './fan/concat.js';
export { zip, type Zipped } from './fan/zip.js';
export { flatMap, type FlatMapOptions } from './fan/flat-map.js';
export { switchMap } from './fan/switch-map.js';
export { groupBy, type GroupByOptions, type Grouped } from './fan/group-by.js';
export { ChannelClosedError, OrphanError, OverflowError, RetryError, TimeoutError } from './core/errors.js';
export {
  Channel,
  type ChannelOptions,
  type Received,
  type ReceiveCase,
  type SendCase,
} from './csp/channel.js';
export {
  select,
  type CaseOutcome,
  type SelectCase,
  type Selected,
  type SelectedDefault,
  type SelectOptions,
} from './csp/select.js';
export { Group, type GroupOptions, type Task } from './tasks/group.js';
export { attempt } from './tasks/attempt.js';
export { withTimeout } from './tasks/with-timeout.js';
export { race } from './tasks/race.js';
export { retry, type RetryOptions } from './tasks/retry.js';
export { split, type Branch, type SplitOptions } from './fan/split.js';
export { tee, type TeeOptions } from './fan/tee.js';
export { buffer, type BufferOptions } from './stages/buffer.js';
export type { OverflowOptions } from './core/overflow.js';
export { batch, type BatchOptions } from './stages/batch.js';
export { rateLimit, type RateLimitOptions } from './stages/rate-limit.js';
export { heartbeat, type Beat } from './stages/heartbeat.js';
export { supervise, type SuperviseOptions } from './stages/supervise.js';
export { toReadable, type ToReadableOptions } from './interop/to-readable.js';
export { toReadableStream } from './interop/to-readable-stream.js';
export { workerMap, type WorkerMapOptions } from './fan/worker-map.js';
export { RateLimiter, type RateLimiterOptions, type RateLimiterWaitOptions } from './flow/rate-limiter.js';
export { Semaphore, type Release, type SemaphoreRunOptions } from './flow/semaphore.js';
export { SingleFlight } from './flow/single-flight.js';
export {
  fromEvents,
  type EventEmitterLike,
  type EventSource,
  type FromEventsOptions,
} from './sources/from-events.js';
export { debounce } from './stages/debounce.js';
export { throttle, type ThrottleOptions } from './stages/throttle.js';
export { named } from './core/named.js';
export { Meter } from './core/meter.js';
export type { MeterSnapshot, StageSnapshot } from './core/meter-snapshot.js';
export type { StageState } from './core/gauge.js';
export type { LivePipeline, LiveStage } from './core/run-view.js';
