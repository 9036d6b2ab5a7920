import type { JsMsg } from '@nats-io/jetstream';
import { fromJetStream } from '../../lib/nats/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe } from '../brokers.js';
import { describeMessageSignals, type SignalsBroker } from '../message-signals.js';
import { useJetStream } from './kit.js';

const describeNats = brokerDescribe('NATS', 4222);
useLeakCheck();
jest.setTimeout(30_000);

describeNats('fromJetStream', () => {
  const kit = useJetStream();
  /** Sequences whose acknowledgement the server confirmed (`ackAck()` resolved). */
  let confirmed: Set<string>;
  beforeEach(() => void (confirmed = new Set()));
  const decode = (message: JsMsg): number => {
    const ackAck = message.ackAck.bind(message);
    message.ackAck = (options) =>
      ackAck(options).then((ok) => (ok && confirmed.add(String(message.seq)), ok));
    return message.json<number>();
  };
  const broker: SignalsBroker = {
    publish: (n) => kit.publish(n),
    source: async (count) => fromJetStream(await kit.consumer(), { ack: 'auto', maxMessages: count, decode }),
    acked: async (ids) => new Set(ids.filter((id) => confirmed.has(id))),
  };
  describeMessageSignals(() => broker);
});
