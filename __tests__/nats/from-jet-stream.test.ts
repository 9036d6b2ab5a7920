import { jetstream } from '@nats-io/jetstream';
import { collect, forEach, parallelMap, pipe, range, take } from '../../lib/index.js';
import { fromJetStream, publishJetStream } from '../../lib/nats/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe } from '../brokers.js';
import { useJetStream, watchingAcks } from './kit.js';

const describeNats = brokerDescribe('NATS', 4222);
useLeakCheck();
jest.setTimeout(30_000);

describeNats('fromJetStream', () => {
  const kit = useJetStream();
  const consumer = () => kit.consumer();
  const unacked = () => kit.unacked();

  it('publishes with PubAcks and de-duplicates by msgId', async () => {
    const js = jetstream(kit.nc);
    expect(await publishJetStream(range(0, 10), js, { subject: kit.subject, msgId: (n) => `m${n}` })).toEqual(
      {
        published: 10,
      },
    );
    await publishJetStream(range(0, 10), js, { subject: kit.subject, msgId: (n) => `m${n}` });
    expect((await kit.jsm.streams.info(kit.name)).state.messages).toBe(10);
  });

  it('yields messages the caller acknowledges, leaving nothing pending', async () => {
    await publishJetStream(range(0, 5), jetstream(kit.nc), { subject: kit.subject });
    const messages = await collect(pipe(fromJetStream<number>(await consumer()), take(5)));
    expect(messages.map((m) => [m.value, m.deliveries])).toEqual([0, 1, 2, 3, 4].map((n) => [n, 1]));
    await Promise.all(messages.map((m) => m.ack()));
    expect(await unacked()).toEqual({ pending: 0, ackPending: 0 });
  });

  it('acknowledges 10,000 messages through an unordered parallelMap exactly once (ack: auto)', async () => {
    const n = 10_000;
    await publishJetStream(range(0, n), jetstream(kit.nc), { subject: kit.subject, concurrency: 256 });
    const seen = new Set<number>();
    const { consumer: watched, acks } = watchingAcks(await consumer());
    await forEach(
      pipe(
        fromJetStream<number>(watched, { ack: 'auto', maxMessages: 64 }),
        parallelMap(async (value: number) => value, { concurrency: 32, ordered: false }),
        take(n),
      ),
      (value) => void seen.add(value),
    );
    expect(seen.size).toBe(n);
    // The pipeline ended once the server had answered every acknowledgement: none is still on its way.
    expect(acks).toEqual({ sent: n, answered: n });
    expect(await unacked()).toEqual({ pending: 0, ackPending: 0 });
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
});
