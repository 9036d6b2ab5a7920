import type { Redis } from 'ioredis';
import { autoSource, manualSource, type AckMode } from '../ack/broker-source.js';
import type { Message } from '../ack/message.js';
import { assertName, assertSourceOptions } from '../ack/options.js';
import type { LeaseSource } from '../core/lease.js';
import { assertCount, assertDuration, assertOptions, assertPositiveDuration } from '../util/validate.js';
import { RedisReader } from './redis-reader.js';
import { defaultDecode } from './redis-reply.js';

/** Options of `fromRedisStream`. */
export interface RedisStreamOptions<T, A extends AckMode = AckMode> {
  /** The stream's key; created (empty) with the group if missing. */
  stream: string;
  /** The consumer group; created if missing, reading from the start of the stream. */
  group: string;
  /** This consumer's name in the group: give each worker its own, and the same one after a restart. */
  consumer: string;
  /** Most messages read and not yet acknowledged, hence the most a crash makes Redis redeliver. @default 16 */
  count?: number | undefined;
  /** Milliseconds one blocking read waits on the server (0: until an entry comes). @default 1000 */
  block?: number | undefined;
  /** Entries idle this long are claimed from dead consumers, every half of it. @default 30000 */
  claimIdleMs?: number | undefined;
  /** Turns an entry's fields into the value. @default JSON of the field `value`, else the fields */
  decode?: ((fields: Record<string, string>, id: string) => T) | undefined;
  /**
   * `'manual'`: yield `Message`s, settled by the caller. `'auto'`: yield values, each acknowledged
   * once the pipeline is done with it (every value derived from it consumed by the sink, or
   * dropped by a filter), naked when a callback processing it fails; a `break`, an abort or a
   * crash acknowledges nothing not done. In `pipe`, every stage must carry acknowledgements:
   * `map`, `filter`, `tap`, `take`, `takeWhile`, `drop`, `dropWhile`, `scan`, `parallelMap`,
   * `buffer`, `batch`, `flatMap`, `flatten`, `mergeAll`, `takeUntil`; any other stage is a
   * `TypeError` when the pipeline is built. Callbacks see the message as `context.message`.
   * @default 'manual'
   */
  ack?: A | undefined;
  /** With `ack: 'auto'`, milliseconds before a naked message may be delivered again. @default 0 */
  retryDelay?: number | undefined;
  /**
   * Graceful stop: no more reads; what was read is handed over, then the source ends once the
   * acknowledgements it sent are answered (an abort cuts that wait short).
   */
  drain?: AbortSignal | undefined;
  /** Hard stop: the read in flight is cut off at once and nothing more is handed over. */
  signal?: AbortSignal | undefined;
}

/**
 * Reads a Redis stream as one consumer of a group (ioredis 5 or 6): claimed entries of dead
 * consumers first, then its own pending entries, then new ones, at most `count` unacknowledged.
 * A killed reading connection is recovered (ioredis reconnects; nothing acknowledged is read again,
 * nothing taken is lost). Abort: the blocking connection is disconnected, a pending `next()`
 * rejects at once with the reason, every unacknowledged message's `signal` aborts. `break`: the
 * duplicate connection is closed before the loop exits. The user's client is never closed.
 *
 * @example
 * const jobs = fromRedisStream(redis, { stream: 'jobs', group: 'workers', consumer: 'w1', ack: 'auto' });
 * await forEach(pipe(jobs, parallelMap(handle, { concurrency: 8 })), () => {}, { signal });
 */
export function fromRedisStream<T = unknown>(
  redis: Redis,
  options: RedisStreamOptions<T, 'auto'> & { ack: 'auto' },
): LeaseSource<T>;
export function fromRedisStream<T = unknown>(
  redis: Redis,
  options: RedisStreamOptions<T, 'manual'>,
): AsyncIterable<Message<T>>;
export function fromRedisStream<T = unknown>(
  redis: Redis,
  options: RedisStreamOptions<T>,
): AsyncIterable<Message<T>> | LeaseSource<T> {
  if (redis === null || typeof redis !== 'object' || typeof (redis as Redis).duplicate !== 'function')
    throw new TypeError(`Expected \`redis\` to be an ioredis client, got ${String(redis)}`);
  assertOptions('options', options);
  const { stream, group, consumer, count = 16, block = 1000, claimIdleMs = 30_000 } = options;
  assertName('stream', stream);
  assertName('group', group);
  assertName('consumer', consumer);
  assertCount('count', count, 1);
  assertDuration('block', block);
  assertPositiveDuration('claimIdleMs', claimIdleMs);
  assertSourceOptions(options);
  const { retryDelay, decode = defaultDecode as (fields: Record<string, string>) => T } = options;
  if (retryDelay !== undefined) assertDuration('retryDelay', retryDelay);
  const read = {
    stream,
    group,
    consumer,
    block: Math.ceil(block),
    claimIdleMs: Math.ceil(claimIdleMs),
    decode,
  };
  const settings = {
    open: (held: ReadonlyMap<string, unknown>) => new RedisReader<T>(redis, read, held),
    count,
    drain: options.drain,
    signal: options.signal,
    retryDelay,
  };
  return options.ack === 'auto' ? autoSource(settings) : manualSource(settings);
}
