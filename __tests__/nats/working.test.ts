import type { JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { forEach, map, pipe, take } from '../../lib/index.js';
import { fromJetStream } from '../../lib/nats/index.js';
import { useLeakCheck, useTestClock } from '../../lib/testing/index.js';
import { brokerDescribe } from '../brokers.js';
import { deferred } from '../helpers.js';
import { useJetStream } from './kit.js';

const describeNats = brokerDescribe('NATS', 4222);
useLeakCheck();
jest.setTimeout(30_000);

/** One delivery as `decode` saw it: its value, and how many times sluice told it `working()`. */
interface Seen {
  readonly n: number;
  calls: number;
}

/** A `decode` that counts each delivery's `working()` calls; `onWorking` hears each one. */
function counting(onWorking: (seen: Seen) => void = () => {}): (message: JsMsg) => Seen {
  return (message) => {
    const seen: Seen = { n: message.json<number>(), calls: 0 };
    const working = message.working.bind(message);
    message.working = () => {
      seen.calls++;
      onWorking(seen);
      working();
    };
    return seen;
  };
}

describeNats('fromJetStream working()', () => {
  const ackWait = 1_000;
  const kit = useJetStream({ ack_wait: nanos(ackWait) });

  it('keeps a message processed longer than its ack_wait from being delivered again', async () => {
    await kit.publish(1);
    // Released at the third working(): by then the message has been in flight 1.5 × ack_wait.
    const third = deferred<void>();
    const deliveries: Seen[] = [];
    const count = counting((seen) => void (seen.calls === 3 && third.resolve()));
    const decode = (message: JsMsg): Seen => {
      const seen = count(message);
      deliveries.push(seen);
      return seen;
    };
    const done: number[] = [];
    await forEach(
      pipe(
        fromJetStream(await kit.consumer(), { ack: 'auto', decode }),
        map(async (seen: Seen) => (await third.promise, seen.n)),
        take(1),
      ),
      (n) => void done.push(n),
    );
    expect(done).toEqual([0]);
    expect(deliveries).toHaveLength(1); // the client was never sent it again
    const info = await kit.jsm.consumers.info(kit.name, 'workers');
    // consumer_seq counts every delivery, a redelivery included (num_redelivered forgets it once acked).
    expect(info.delivered.consumer_seq).toBe(1);
    expect(info.num_redelivered).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(1);
    expect({ pending: info.num_pending, ackPending: info.num_ack_pending }).toEqual({
      pending: 0,
      ackPending: 0,
    });
  });

  it('tells working() at each half ack_wait only while the message is unsettled and the source open', async () => {
    using clock = useTestClock();
    await kit.publish(3);
    const source = fromJetStream(await kit.consumer(), { decode: counting(), maxMessages: 3 });
    const iterator = source[Symbol.asyncIterator]();
    const a = (await iterator.next()).value!;
    const b = (await iterator.next()).value!;
    await clock.advance(ackWait / 2 - 1);
    expect([a.value.calls, b.value.calls]).toEqual([0, 0]);
    await clock.advance(1);
    expect([a.value.calls, b.value.calls]).toEqual([1, 1]);

    await a.ack();
    await clock.advance(ackWait / 2);
    expect([a.value.calls, b.value.calls]).toEqual([1, 2]);
    await b.nak();
    // Nothing in flight: no timer is left waiting.
    expect(clock.pending).toBe(0);
    await clock.advance(2 * ackWait);
    expect([a.value.calls, b.value.calls]).toEqual([1, 2]);

    const c = (await iterator.next()).value!;
    await clock.advance(ackWait / 2);
    expect(c.value.calls).toBe(1);
    await iterator.return!();
    // The source stopped: c is unsettled, yet nothing tells it working() any more.
    expect(clock.pending).toBe(0);
    await clock.advance(2 * ackWait);
    expect(c.value.calls).toBe(1);
  });

  it('stops telling working() when the consumer breaks out of a pipeline (ack: auto)', async () => {
    using clock = useTestClock();
    await kit.publish(2);
    const held: Seen[] = [];
    for await (const seen of pipe(
      fromJetStream(await kit.consumer(), { ack: 'auto', decode: counting() }),
      map((seen: Seen) => seen),
    )) {
      held.push(seen);
      await clock.advance(ackWait / 2);
      expect(seen.calls).toBe(1);
      break;
    }
    expect(clock.pending).toBe(0);
    await clock.advance(2 * ackWait);
    expect(held.map((seen) => seen.calls)).toEqual([1]);
  });
});
