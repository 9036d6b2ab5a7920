import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { autoSource, manualSource, type AckMode } from '../ack/broker-source.js';
import type { Message } from '../ack/message.js';
import { assertSourceOptions } from '../ack/options.js';
import type { LeaseSource } from '../core/lease.js';
import { assertCount, assertDuration, assertOptions, describe } from '../util/validate.js';
import { JetStreamReader } from './jetstream-reader.js';

/** Options of `fromJetStream`. */
export interface JetStreamOptions<T, A extends AckMode = AckMode> {
  /**
   * Most messages read and not yet acknowledged, and what `consume()` buffers (`max_messages`).
   * @default 16
   */
  maxMessages?: number | undefined;
  /**
   * Milliseconds between the server's idle heartbeats (`consume({ idle_heartbeat })`), from 500
   * to 30 000, the bounds the client keeps to. Two missed in a row fail the source with a
   * `HeartbeatsMissedError`, so a dead connection is noticed within about twice this.
   * @default 15_000 (the client's own: half of the 30 s a pull request lasts)
   */
  heartbeat?: number | undefined;
  /** Turns a message into the value. @default its data as JSON (`msg.json()`) */
  decode?: ((message: JsMsg) => T) | undefined;
  /** As `fromRedisStream`'s `ack`: `'manual'` yields `Message`s, `'auto'` values. @default 'manual' */
  ack?: A | undefined;
  /** With `ack: 'auto'`, milliseconds the server waits before redelivering a naked message. @default 0 */
  retryDelay?: number | undefined;
  /**
   * Graceful stop: no more pulls; the messages the client holds are handed over, then the source
   * ends once the acknowledgements it sent are answered (an abort cuts that wait short).
   */
  drain?: AbortSignal | undefined;
  /** Hard stop: the consumer's messages are stopped at once and nothing more is handed over. */
  signal?: AbortSignal | undefined;
}

/**
 * Reads a JetStream consumer (`@nats-io/jetstream` 3) through `consumer.consume()`, at most
 * `maxMessages` unacknowledged. Abort: the consume is stopped, a pending `next()` rejects at once
 * with the reason, and every unacknowledged message's `signal` aborts. Two missed `heartbeat`s
 * fail the source with a `HeartbeatsMissedError`, as an abort would: it stops consuming at once,
 * every unacknowledged message's `signal` aborts with the error, a pending or the next `next()`
 * rejects with it, and those messages are delivered again once the server's `ack_wait` has passed.
 * A message in flight longer than half the consumer's `ack_wait` is told `working()` until it is
 * settled or the source stops. The connection is the user's and stays open.
 *
 * @example
 * const consumer = await jetstream(nc).consumers.get('ORDERS', 'workers');
 * await forEach(pipe(fromJetStream(consumer, { ack: 'auto' }), map(handle)), () => {}, { signal });
 */
export function fromJetStream<T = unknown>(
  consumer: Consumer,
  options: JetStreamOptions<T, 'auto'> & { ack: 'auto' },
): LeaseSource<T>;
export function fromJetStream<T = unknown>(
  consumer: Consumer,
  options?: JetStreamOptions<T, 'manual'>,
): AsyncIterable<Message<T>>;
export function fromJetStream<T = unknown>(
  consumer: Consumer,
  options: JetStreamOptions<T> = {},
): AsyncIterable<Message<T>> | LeaseSource<T> {
  if (
    consumer === null ||
    typeof consumer !== 'object' ||
    typeof (consumer as Consumer).consume !== 'function'
  )
    throw new TypeError(`Expected \`consumer\` to be a JetStream consumer, got ${String(consumer)}`);
  assertOptions('options', options);
  const { maxMessages = 16, heartbeat = 15_000, retryDelay } = options;
  assertCount('maxMessages', maxMessages, 1);
  assertHeartbeat(heartbeat);
  assertSourceOptions(options);
  if (retryDelay !== undefined) assertDuration('retryDelay', retryDelay);
  const decode = options.decode ?? ((message: JsMsg) => message.json<T>());
  const settings = {
    open: (_held: unknown, fail: (error: unknown) => void) =>
      new JetStreamReader<T>(consumer, { maxMessages, heartbeat, decode, fail }),
    count: maxMessages,
    drain: options.drain,
    signal: options.signal,
    retryDelay,
  };
  return options.ack === 'auto' ? autoSource(settings) : manualSource(settings);
}

/** The client silently clamps `idle_heartbeat` to 500..30 000 ms: a value outside is refused here. */
function assertHeartbeat(heartbeat: unknown): asserts heartbeat is number {
  assertDuration('heartbeat', heartbeat);
  if (heartbeat < 500 || heartbeat > 30_000)
    throw new RangeError(
      `Expected \`heartbeat\` to be a number of milliseconds from 500 to 30000, got ${describe(heartbeat)}`,
    );
}
