/**
 * What the JetStream tests share: one connection per file, and per test its own stream (named
 * after the test run) with a durable consumer `workers`, deleted after the test.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { range } from '../../lib/index.js';
import { fromJetStream, publishJetStream } from '../../lib/nats/index.js';
import { uniqueName } from '../brokers.js';

export interface JetStreamKit {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** This test's stream. */
  readonly name: string;
  readonly subject: string;
  /** The durable consumer `workers`, through `nc` or another connection. */
  consumer(through?: NatsConnection): Promise<Consumer>;
  /** Publishes 0..n-1, each waiting for its PubAck. */
  publish(n: number): Promise<void>;
  /** What the server says of `workers`: not yet delivered, delivered and not acknowledged. */
  unacked(): Promise<{ pending: number; ackPending: number }>;
}

/**
 * Sets up the hooks; `config` is laid over the consumer's (explicit acks, no delivery limit).
 * Call it inside the `describe` that uses it.
 */
export function useJetStream(config: Partial<ConsumerConfig> = {}): JetStreamKit {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let name = '';
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
    jsm = await jetstreamManager(nc);
  });
  afterAll(() => nc.close());
  beforeEach(async () => {
    name = uniqueName('stream').replace(/[^A-Za-z0-9_-]/g, '_');
    await jsm.streams.add({ name, subjects: [`${name}.jobs`] });
    await jsm.consumers.add(name, {
      durable_name: 'workers',
      ack_policy: AckPolicy.Explicit,
      max_deliver: -1,
      ...config,
    });
  });
  afterEach(() => jsm.streams.delete(name));
  return {
    get nc() {
      return nc;
    },
    get jsm() {
      return jsm;
    },
    get name() {
      return name;
    },
    get subject() {
      return `${name}.jobs`;
    },
    consumer: (through = nc) => jetstream(through).consumers.get(name, 'workers'),
    publish: async (n) =>
      void (await publishJetStream(range(0, n), jetstream(nc), { subject: `${name}.jobs` })),
    unacked: async () => {
      const info = await jsm.consumers.info(name, 'workers');
      return { pending: info.num_pending, ackPending: info.num_ack_pending };
    },
  };
}

/**
 * Consumes `workers` again (`ack: 'manual'`), acknowledging each message, until every value of
 * `wanted` came; returns what came, in order, with its delivery count. A message given back to a
 * consumer that was stopping comes only after the consumer's `ack_wait`: the jest timeout bounds it.
 */
export async function consumeUntil(
  kit: JetStreamKit,
  wanted: Iterable<number>,
): Promise<{ value: number; deliveries: number }[]> {
  const missing = new Set(wanted);
  const came: { value: number; deliveries: number }[] = [];
  if (missing.size === 0) return came;
  for await (const message of fromJetStream<number>(await kit.consumer())) {
    came.push({ value: message.value, deliveries: message.deliveries });
    await message.ack();
    missing.delete(message.value);
    if (missing.size === 0) break;
  }
  return came;
}

/** The first `n` integers from `from`. */
export const ints = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** What `watchingAcks` counts: acknowledgements sent (`ackAck`), and those the server answered. */
export interface AckCount {
  sent: number;
  answered: number;
}

/**
 * `consumer`, counting the acknowledgements sent through the messages it delivers and those the
 * server answered. A pipeline that ended has them all answered: only then does what the server says
 * of the consumer (ack floor, pending) reflect them, as the server answers a consumer info request
 * apart from the acks it still has to process.
 */
export function watchingAcks(consumer: Consumer): { consumer: Consumer; acks: AckCount } {
  const acks: AckCount = { sent: 0, answered: 0 };
  const message = (msg: JsMsg): JsMsg =>
    new Proxy(msg, {
      get: (target, key) => {
        if (key === 'ackAck')
          return (options?: Parameters<JsMsg['ackAck']>[0]) => {
            acks.sent++;
            return target.ackAck(options).finally(() => void acks.answered++);
          };
        return forward(target, key);
      },
    });
  const messages = (inner: ConsumerMessages): ConsumerMessages =>
    new Proxy(inner, {
      get: (target, key) => {
        if (key === Symbol.asyncIterator)
          return (): AsyncIterator<JsMsg> => {
            const iterator = target[Symbol.asyncIterator]();
            return {
              next: () =>
                iterator.next().then((r) => (r.done ? r : { done: false, value: message(r.value) })),
              return: (value?: unknown) => iterator.return?.(value) ?? Promise.resolve({ done: true, value }),
            };
          };
        return forward(target, key);
      },
    });
  const watched = new Proxy(consumer, {
    get: (target, key) => {
      if (key === 'consume')
        return (options?: Parameters<Consumer['consume']>[0]) => target.consume(options).then(messages);
      return forward(target, key);
    },
  });
  return { consumer: watched, acks };
}

/** `target[key]`, a method bound to `target`: what a proxy that changes nothing else hands out. */
function forward(target: object, key: string | symbol): unknown {
  const value: unknown = Reflect.get(target, key, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}
