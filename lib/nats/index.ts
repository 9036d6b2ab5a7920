/**
 * `sluice/nats`: NATS JetStream as a source and a sink (peer dependencies `@nats-io/jetstream`
 * and `@nats-io/transport-node` 3).
 * @module
 */
export { fromJetStream, type JetStreamOptions } from './from-jet-stream.js';
export { publishJetStream, type PublishJetStreamOptions } from './publish-jet-stream.js';
export { HeartbeatsMissedError } from './jetstream-reader.js';
export type { Message } from '../ack/message.js';
export type { AckMode } from '../ack/broker-source.js';
export type { Carried, Lease, LeaseSource } from '../core/lease.js';
