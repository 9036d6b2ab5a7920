export type {
  CallbackContext,
  Callback,
  NodeReadableLike,
  Result,
  SignalOptions,
  Source,
  Stage,
  StageContext,
} from './types.js';
export { pipe, Pipeline, type PipeOptions } from './pipe.js';
export { from } from './from.js';
export { map } from './map.js';
export { filter } from './filter.js';
export { tap } from './tap.js';
export { take } from './take.js';
export { collect } from './collect.js';
export { drain } from './drain.js';
export { forEach } from './for-each.js';
export { range } from './range.js';
export { repeat } from './repeat.js';
export { repeatFn } from './repeat-fn.js';
export { interval } from './interval.js';
export { after } from './after.js';
export { withSignal } from './with-signal.js';
export { anySignal, type DisposableSignal } from './any-signal.js';
export { parallelMap, type ParallelMapOptions } from './parallel-map.js';
export { merge, type SourceValue } from './merge.js';
export { mergeAll, type MergeAllOptions } from './merge-all.js';
export { flatten } from './flatten.js';
export { ChannelClosedError, TimeoutError } from './errors.js';
export { Channel, type Received, type ReceiveCase, type SendCase } from './channel.js';
export {
  select,
  type CaseOutcome,
  type SelectCase,
  type Selected,
  type SelectedDefault,
  type SelectOptions,
} from './select.js';
export { Group, type GroupOptions, type Task } from './group.js';
export { attempt } from './attempt.js';
export { race } from './race.js';
export { retry, RetryError, type RetryOptions } from './retry.js';
export { split, OrphanError, type Branch, type SplitOptions } from './split.js';
export { tee, type TeeOptions } from './tee.js';
export { buffer } from './buffer.js';
export { batch, type BatchOptions } from './batch.js';
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { heartbeat, type Beat } from './heartbeat.js';
export { supervise, type SuperviseOptions } from './supervise.js';
export { toReadable, type ToReadableOptions } from './to-readable.js';
export { toReadableStream } from './to-readable-stream.js';
export { workerMap, type WorkerMapOptions } from './worker-map.js';
