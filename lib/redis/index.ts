/**
 * `sluice/redis`: Redis Streams as a source and a sink (peer dependency `ioredis` 5 or 6).
 * @module
 */
export { fromRedisStream, type RedisStreamOptions } from './from-redis-stream.js';
export { writeRedisStream, type WriteRedisStreamOptions } from './write-redis-stream.js';
export type { Message } from '../ack/message.js';
export type { AckMode } from '../ack/broker-source.js';
export type { Carried, Lease, LeaseSource } from '../core/lease.js';
