import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { collect, forEach, map, parallelMap, pipe, range, take } from '../../lib/index.js';
import { fromJetStream, publishJetStream } from '../../lib/nats/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe, uniqueName } from '../brokers.js';

const describeNats = brokerDescribe('NATS', 4222);
useLeakCheck();
jest.setTimeout(30_000);

describeNats('fromJetStream', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let name: string;
  let subject: string;
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
    jsm = await jetstreamManager(nc);
  });
  afterAll(() => nc.close());
  beforeEach(async () => {
    name = uniqueName('stream').replace(/[^A-Za-z0-9_-]/g, '_');
    subject = `${name}.jobs`;
    await jsm.streams.add({ name, subjects: [subject] });
    await jsm.consumers.add(name, {
      durable_name: 'workers',
      ack_policy: AckPolicy.Explicit,
      max_deliver: -1,
    });
  });
  afterEach(() => jsm.streams.delete(name));

  const consumer = () => jetstream(nc).consumers.get(name, 'workers');
  const unacked = async () => {
    const info = await jsm.consumers.info(name, 'workers');
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  };

  it('publishes with PubAcks and de-duplicates by msgId', async () => {
    const js = jetstream(nc);
    expect(await publishJetStream(range(0, 10), js, { subject, msgId: (n) => `m${n}` })).toEqual({
      published: 10,
    });
    await publishJetStream(range(0, 10), js, { subject, msgId: (n) => `m${n}` });
    expect((await jsm.streams.info(name)).state.messages).toBe(10);
  });

  it('yields messages the caller acknowledges, leaving nothing pending', async () => {
    await publishJetStream(range(0, 5), jetstream(nc), { subject });
    const messages = await collect(pipe(fromJetStream<number>(await consumer()), take(5)));
    expect(messages.map((m) => [m.value, m.deliveries])).toEqual([0, 1, 2, 3, 4].map((n) => [n, 1]));
    await Promise.all(messages.map((m) => m.ack()));
    expect(await unacked()).toEqual({ pending: 0, ackPending: 0 });
  });

  it('acknowledges 10,000 messages through an unordered parallelMap exactly once (ack: auto)', async () => {
    const n = 10_000;
    await publishJetStream(range(0, n), jetstream(nc), { subject, concurrency: 256 });
    const seen = new Set<number>();
    await forEach(
      pipe(
        fromJetStream<number>(await consumer(), { ack: 'auto', maxMessages: 64 }),
        parallelMap(async (value: number) => value, { concurrency: 32, ordered: false }),
        take(n),
      ),
      (value) => void seen.add(value),
    );
    expect(seen.size).toBe(n);
    expect(await unacked()).toEqual({ pending: 0, ackPending: 0 });
  });

  it('naks the failed message and what was not done, acknowledges what was done', async () => {
    await publishJetStream(range(0, 20), jetstream(nc), { subject });
    const error = new Error('item 5 failed');
    await expect(
      forEach(
        pipe(
          fromJetStream<number>(await consumer(), { ack: 'auto', maxMessages: 4 }),
          map((n: number) => n),
        ),
        (n) => {
          if (n === 5) throw error;
        },
      ),
    ).rejects.toBe(error);
    // Items 0..4 are done and acknowledged: the ack floor is the fifth message's sequence.
    const info = await jsm.consumers.info(name, 'workers');
    expect(info.ack_floor.stream_seq).toBe(5);
    // The failed one (the sixth message) is not acknowledged: the server delivers it again. (How
    // soon depends on where the server re-sent it: to the stopping consumer, only after ack_wait.)
    expect(info.num_ack_pending).toBeGreaterThanOrEqual(1);
  });

  it('rejects at once on abort, stopping the consumer', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = fromJetStream(await consumer(), { signal: controller.signal })[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(50);
    await iterator.return!();
  });

  it('drains: hands over what it holds and ends normally', async () => {
    await publishJetStream(range(0, 50), jetstream(nc), { subject });
    const drain = new AbortController();
    const seen: number[] = [];
    await forEach(
      pipe(
        fromJetStream<number>(await consumer(), { ack: 'auto', maxMessages: 8, drain: drain.signal }),
        map((n: number) => n),
      ),
      (n) => {
        seen.push(n);
        if (n === 5) drain.abort();
      },
    );
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });
});
