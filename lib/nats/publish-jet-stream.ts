import type { JetStreamClient } from '@nats-io/jetstream';
import { assertName } from '../ack/options.js';
import type { Source } from '../core/types.js';
import { parallelMap } from '../fan/parallel-map.js';
import { pipe } from '../core/pipe.js';
import { forEach } from '../sinks/for-each.js';
import { assertCount, assertFunction, assertOptions, assertSignal } from '../util/validate.js';

/** Options of `publishJetStream`. */
export interface PublishJetStreamOptions<T> {
  /** The subject of every message, or of each value. */
  subject: string | ((value: T) => string);
  /** A value's payload. @default the value as JSON */
  encode?: ((value: T) => Uint8Array | string) | undefined;
  /** A value's `Nats-Msg-Id`, which the server uses to drop duplicates within its window. @default undefined */
  msgId?: ((value: T) => string) | undefined;
  /** Most publishes awaiting their `PubAck` at once. @default 16 */
  concurrency?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Publishes each value of `source` to JetStream and waits for each `PubAck`, up to `concurrency`
 * at once; resolves `{ published }` (duplicates the server dropped by `msgId` included) when the
 * source ends and every ack came. An error (the source, `encode`, a publish the server refused)
 * rejects after the publishes in flight settled. Abort rejects with `signal.reason`. Over a
 * source with `ack: 'auto'`, a message is acknowledged once its publish is acknowledged.
 *
 * @example
 * const { published } = await publishJetStream(range(0, 100), jetstream(nc), { subject: 'orders.new' });
 */
export async function publishJetStream<T>(
  source: Source<T>,
  js: JetStreamClient,
  options: PublishJetStreamOptions<T>,
): Promise<{ published: number }> {
  if (js === null || typeof js !== 'object' || typeof (js as JetStreamClient).publish !== 'function')
    throw new TypeError(`Expected \`js\` to be a JetStream client, got ${String(js)}`);
  assertOptions('options', options);
  const {
    subject,
    encode = (value: T) => JSON.stringify(value) ?? 'null',
    msgId,
    concurrency = 16,
    signal,
  } = options;
  if (typeof subject !== 'function') assertName('subject', subject);
  assertFunction('encode', encode);
  if (msgId !== undefined) assertFunction('msgId', msgId);
  assertCount('concurrency', concurrency, 1);
  assertSignal('signal', signal);
  let published = 0;
  await forEach(
    pipe(
      source,
      parallelMap(
        async (value: T) => {
          const to = typeof subject === 'function' ? subject(value) : subject;
          await js.publish(to, encode(value), msgId ? { msgID: msgId(value) } : undefined);
        },
        { concurrency },
      ),
    ),
    () => void published++,
    { signal },
  );
  return { published };
}
