import { nanos } from '@nats-io/transport-node';
import { forEach, map, pipe } from '../../lib/index.js';
import { fromJetStream } from '../../lib/nats/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe } from '../brokers.js';
import { consumeUntil, ints, useJetStream, watchingAcks } from './kit.js';

const describeNats = brokerDescribe('NATS', 4222);
useLeakCheck();
jest.setTimeout(30_000);

/**
 * What rule 10 promises once a pipeline over a JetStream consumer stopped: what was done is
 * acknowledged and never comes again; what was not done comes again, and no more messages come
 * twice than were in flight. Consuming again shows it. `ack_wait` is short (2 s) because a message
 * given back while the stopping consumer still had a pull open is sent to that pull, dropped by
 * the client, and comes again only once `ack_wait` has passed.
 */
describeNats('fromJetStream after a stop', () => {
  const kit = useJetStream({ ack_wait: nanos(2_000) });

  it('after an error: acknowledges what was done, and delivers again only what was not', async () => {
    const maxMessages = 4;
    await kit.publish(20);
    const error = new Error('item 5 failed');
    const processed = new Set<number>();
    await expect(
      forEach(
        pipe(
          fromJetStream<number>(await kit.consumer(), { ack: 'auto', maxMessages }),
          map((n: number) => (processed.add(n), n)),
        ),
        (n) => {
          if (n === 5) throw error;
        },
      ),
    ).rejects.toBe(error);
    // Items 0..4 are done and acknowledged: the ack floor is the fifth message's sequence.
    const info = await kit.jsm.consumers.info(kit.name, 'workers');
    expect(info.ack_floor.stream_seq).toBe(5);

    const again = await consumeUntil(kit, ints(5, 15));
    // Nothing done comes again; everything not done comes, once.
    expect(again.map(({ value }) => value).sort((a, b) => a - b)).toEqual(ints(5, 15));
    // The failed item was given back (maybe first to the stopping pull, so counted more than twice).
    expect(again.find(({ value }) => value === 5)!.deliveries).toBeGreaterThanOrEqual(2);
    // Processed twice: the failed item, and at most what was in flight with it.
    const twice = again.filter(({ value }) => processed.has(value)).map(({ value }) => value);
    expect(twice).toContain(5);
    expect(twice.length).toBeLessThanOrEqual(maxMessages);
    expect(await kit.unacked()).toEqual({ pending: 0, ackPending: 0 });
  });

  it('after a drain: acknowledges everything handed over, and delivers again only the rest', async () => {
    const maxMessages = 8;
    await kit.publish(50);
    const drain = new AbortController();
    const seen: number[] = [];
    const { consumer, acks } = watchingAcks(await kit.consumer());
    await forEach(
      pipe(
        fromJetStream<number>(consumer, { ack: 'auto', maxMessages, drain: drain.signal }),
        map((n: number) => n),
      ),
      (n) => {
        seen.push(n);
        if (n === 5) drain.abort();
      },
    );
    expect(seen).toEqual(ints(0, seen.length));
    expect(seen.length).toBeGreaterThanOrEqual(6);
    // The pipeline ended normally: every item it handed over is done, so acknowledged, and it
    // ended only once the server had answered those acknowledgements.
    expect(acks).toEqual({ sent: seen.length, answered: seen.length });
    const info = await kit.jsm.consumers.info(kit.name, 'workers');
    expect(info.ack_floor.stream_seq).toBe(seen.length);

    const rest = ints(seen.length, 50 - seen.length);
    const again = await consumeUntil(kit, rest);
    // Nothing done comes again; everything not done comes, once.
    expect(again.map(({ value }) => value).sort((a, b) => a - b)).toEqual(rest);
    // Only what the client was still being sent when it stopped pulling was delivered before.
    expect(again.filter(({ deliveries }) => deliveries > 1).length).toBeLessThanOrEqual(maxMessages);
    expect(await kit.unacked()).toEqual({ pending: 0, ackPending: 0 });
  });
});
