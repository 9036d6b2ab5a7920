import { Redis } from 'ioredis';
import { fromRedisStream, writeRedisStream } from '../../lib/redis/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe, uniqueName } from '../brokers.js';
import { cleanUpAfter } from './kit.js';
import { describeMessageSignals, type SignalsBroker } from '../message-signals.js';

const describeRedis = brokerDescribe('Redis', 6379);
useLeakCheck();

describeRedis('fromRedisStream', () => {
  let redis: Redis;
  let stream: string;
  let group: string;
  beforeAll(() => void (redis = new Redis({ host: '127.0.0.1', port: 6379 })));
  afterAll(() => redis.quit());
  beforeEach(() => {
    stream = uniqueName('stream');
    group = uniqueName('group');
  });
  afterEach(() => cleanUpAfter(redis, stream, group));
  const broker: SignalsBroker = {
    publish: async (n) =>
      void (await writeRedisStream(
        Array.from({ length: n }, (_, i) => i),
        redis,
        { stream },
      )),
    source: async (count) =>
      fromRedisStream<number>(redis, { stream, group, consumer: 'a', ack: 'auto', count }),
    acked: async (ids) => {
      const rows = (await redis.call('XPENDING', stream, group, '-', '+', 1000)) as [string][];
      const pending = new Set(rows.map(([id]) => id));
      return new Set(ids.filter((id) => !pending.has(id)));
    },
  };
  describeMessageSignals(() => broker);
});
