import type { Redis } from 'ioredis';
import { assertName } from '../ack/options.js';
import { pipe } from '../core/pipe.js';
import type { Source } from '../core/types.js';
import { forEach } from '../sinks/for-each.js';
import { batch as batchOf } from '../stages/batch.js';
import { assertCount, assertFunction, assertOptions, assertSignal } from '../util/validate.js';
import { defaultEncode } from './redis-reply.js';

/** Options of `writeRedisStream`. */
export interface WriteRedisStreamOptions<T> {
  /** The stream's key. */
  stream: string;
  /** Trims the stream to about this many entries (`MAXLEN ~`) as it writes. @default undefined */
  maxLen?: number | undefined;
  /** The fields of a value's entry. @default the value as JSON in the field `value` */
  encode?: ((value: T) => Record<string, string | number | Buffer>) | undefined;
  /** Most `XADD`s sent in one pipeline; fewer when the source has no more ready. @default 100 */
  batch?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Appends each value of `source` to a Redis stream, with pipelined `XADD`s: the values ready
 * together (up to `batch`) go in one round trip, and the next batch is read once it is written.
 * Resolves `{ written }` when the source ends. An error (the source, `encode`, a failed `XADD`)
 * rejects after cleanup; the entries written before it stay. Abort rejects with `signal.reason`
 * once the round trip in flight is answered. The client is the user's and stays open. Over a source
 * with `ack: 'auto'`, a message is acknowledged once its entry is written.
 *
 * @example
 * const { written } = await writeRedisStream(range(0, 1000), redis, { stream: 'jobs', maxLen: 10_000 });
 */
export async function writeRedisStream<T>(
  source: Source<T>,
  redis: Redis,
  options: WriteRedisStreamOptions<T>,
): Promise<{ written: number }> {
  if (redis === null || typeof redis !== 'object' || typeof (redis as Redis).pipeline !== 'function')
    throw new TypeError(`Expected \`redis\` to be an ioredis client, got ${String(redis)}`);
  assertOptions('options', options);
  const {
    stream,
    maxLen,
    encode = defaultEncode as (value: T) => Record<string, string>,
    batch = 100,
    signal,
  } = options;
  assertName('stream', stream);
  if (maxLen !== undefined) assertCount('maxLen', maxLen, 1);
  assertFunction('encode', encode);
  assertCount('batch', batch, 1);
  assertSignal('signal', signal);
  const trim = maxLen === undefined ? [] : ['MAXLEN', '~', maxLen];
  let written = 0;
  // maxWait 0: a batch is what arrived before the event loop's next turn, so nothing waits for company.
  await forEach(
    pipe(source, batchOf<T>(batch, { maxWait: 0 })),
    async (values) => {
      const commands = redis.pipeline();
      for (const value of values) {
        const fields = Object.entries(encode(value)).flat();
        commands.call('XADD', stream, ...trim, '*', ...fields);
      }
      const replies = (await commands.exec()) ?? [];
      for (const [error] of replies) if (error) throw error;
      written += values.length;
    },
    { signal },
  );
  return { written };
}
