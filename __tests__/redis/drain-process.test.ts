import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { writeRedisStream } from '../../lib/redis/index.js';
import { range } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe, uniqueName } from '../brokers.js';

const describeRedis = brokerDescribe('Redis', 6379);
useLeakCheck();
jest.setTimeout(60_000);

describeRedis('a worker process (examples/distributed-worker.ts)', () => {
  let redis: Redis;
  beforeAll(() => void (redis = new Redis({ host: '127.0.0.1', port: 6379 })));
  afterAll(() => redis.quit());

  it('drains on SIGTERM: exits 0 with no pending entry for its consumer', async () => {
    const stream = uniqueName('drain');
    try {
      await writeRedisStream(range(0, 2000), redis, { stream });
      const worker = spawn(
        process.execPath,
        ['--import', 'tsx', 'examples/distributed-worker.ts', 'worker', stream, 'w1'],
        { stdio: 'ignore' },
      );
      const exited = once(worker, 'exit');
      // Work under way: some jobs done, more in flight.
      while ((await redis.hlen(`${stream}:done`)) < 50)
        await new Promise((resolve) => setTimeout(resolve, 20));
      worker.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      const pending = (await redis.call('XPENDING', stream, 'workers', '-', '+', 100, 'w1')) as unknown[];
      expect(pending).toEqual([]);
      const done = Object.values(await redis.hgetall(`${stream}:done`)).map(Number);
      expect(done.length).toBeLessThan(2000); // it stopped early
      expect(done.every((count) => count === 1)).toBe(true);
    } finally {
      await redis.del(stream, `${stream}:done`);
    }
  });
});
