import { Redis } from 'ioredis';
import {
  forEach,
  parallelMap,
  pipe,
  range,
  take,
  collect,
  map,
  filter,
  batch,
  takeUntil,
} from '../../lib/index.js';
import { fromRedisStream, writeRedisStream } from '../../lib/redis/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { brokerDescribe, uniqueName } from '../brokers.js';
import { cleanUpAfter } from './kit.js';

const describeRedis = brokerDescribe('Redis', 6379);
const scope = useLeakCheck();

describeRedis('fromRedisStream', () => {
  let redis: Redis;
  let stream: string;
  let group: string;
  beforeAll(() => void (redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false })));
  afterAll(() => redis.quit());
  beforeEach(() => {
    stream = uniqueName('stream');
    group = uniqueName('group');
  });
  afterEach(() => cleanUpAfter(redis, stream, group));

  const pending = async (consumer?: string): Promise<string[]> => {
    const args = consumer ? [consumer] : [];
    const rows = (await redis.call('XPENDING', stream, group, '-', '+', 100_000, ...args)) as [string][];
    return rows.map(([id]) => id);
  };

  it('yields messages written before and after, each acknowledged by the caller, nothing left pending', async () => {
    expect(await writeRedisStream(range(0, 5), redis, { stream })).toEqual({ written: 5 });
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a' });
    const seen: number[] = [];
    for await (const message of source) {
      expect(message.deliveries).toBe(1);
      seen.push(message.value);
      await message.ack();
      await message.ack(); // idempotent
      if (seen.length === 5) await writeRedisStream([5, 6], redis, { stream });
      if (seen.length === 7) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await pending()).toEqual([]);
  });

  it('acknowledges 10,000 messages through an unordered parallelMap exactly once (ack: auto)', async () => {
    const n = 10_000;
    await writeRedisStream(range(0, n), redis, { stream, batch: 500 });
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a', ack: 'auto', count: 64 });
    const ids = new Set<string>();
    const values = new Set<number>();
    await forEach(
      pipe(
        source,
        parallelMap(
          async (value: number, context) => {
            ids.add((context as any).message.id);
            await new Promise((resolve) => setImmediate(resolve));
            return value;
          },
          { concurrency: 32, ordered: false },
        ),
        take(n),
      ),
      (value) => void values.add(value),
    );
    expect(values.size).toBe(n);
    expect(ids.size).toBe(n);
    expect(await pending()).toEqual([]);
  });

  it('naks only what was not done when a callback fails at item k', async () => {
    await writeRedisStream(range(0, 40), redis, { stream });
    const error = new Error('item 10 failed');
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a', ack: 'auto', count: 8 });
    await expect(
      forEach(
        pipe(
          source,
          map((n: number) => n * 2),
          filter((n: number) => n % 4 === 0 || n > 10),
        ),
        (n) => {
          if (n === 20) throw error;
        },
      ),
    ).rejects.toBe(error);
    const all = ((await redis.call('XRANGE', stream, '-', '+')) as [string][]).map(([id]) => id);
    const left = await pending();
    // Items 0..9 are done (acknowledged); 10 and what was read behind it are given back.
    expect(left[0]).toBe(all[10]);
    expect(left.every((id) => all.indexOf(id) >= 10)).toBe(true);
    // Given back: claimable at once by any consumer, here another one.
    const other = fromRedisStream<number>(redis, { stream, group, consumer: 'b', ack: 'auto' });
    const rest = await collect(pipe(other, take(40 - 10)));
    expect(rest.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 10));
    expect(await pending()).toEqual([]);
  });

  it('acknowledges a batch once the batch is done', async () => {
    await writeRedisStream(range(0, 6), redis, { stream });
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a', ack: 'auto' });
    const sizes: number[] = [];
    const left: number[] = [];
    await forEach(pipe(source, batch(3), take(2)), async (items) => {
      sizes.push(items.length);
      left.push((await pending()).length);
    });
    expect(sizes).toEqual([3, 3]);
    expect(left[0]).toBeGreaterThanOrEqual(3);
    expect(await pending()).toEqual([]);
  });

  it('rejects at once on abort even with block: 5000, and disconnects its connection', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const source = fromRedisStream(redis, {
      stream,
      group,
      consumer: 'a',
      block: 5000,
      signal: controller.signal,
    });
    const iterator = source[Symbol.asyncIterator]();
    const next = iterator.next();
    await waitForClient(redis, `sluice:${group}:a`, 'xreadgroup');
    const started = performance.now();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(50);
    await iterator.return!();
  });

  it('recovers when the server kills its reading connection, losing and duplicating nothing', async () => {
    await writeRedisStream(range(0, 3), redis, { stream });
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a', block: 5000 });
    const seen: number[] = [];
    for await (const message of source) {
      seen.push(message.value);
      await message.ack();
      if (seen.length === 3) {
        const id = await waitForClient(redis, `sluice:${group}:a`, 'xreadgroup');
        await redis.call('CLIENT', 'KILL', 'ID', id);
        await writeRedisStream(range(3, 6), redis, { stream });
      }
      if (seen.length === 6) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await pending()).toEqual([]);
  });

  it('reads its own pending entries first after a restart, with their delivery counts', async () => {
    await writeRedisStream(range(0, 3), redis, { stream });
    const first = await collect(
      pipe(fromRedisStream<number>(redis, { stream, group, consumer: 'a' }), take(3)),
    );
    expect(first.map((m) => m.value)).toEqual([0, 1, 2]);
    await first[0]!.ack();
    const again = await collect(
      pipe(fromRedisStream<number>(redis, { stream, group, consumer: 'a' }), take(2)),
    );
    expect(again.map((m) => [m.value, m.deliveries])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    await Promise.all(again.map((m) => m.ack()));
  });

  it('drains: stops reading, hands over what it read, ends, leaving nothing pending', async () => {
    await writeRedisStream(range(0, 50), redis, { stream });
    const drain = new AbortController();
    const source = fromRedisStream<number>(redis, {
      stream,
      group,
      consumer: 'a',
      ack: 'auto',
      count: 8,
      drain: drain.signal,
    });
    const seen: number[] = [];
    await forEach(
      pipe(
        source,
        parallelMap(async (n: number) => n, { concurrency: 4 }),
      ),
      (n) => {
        seen.push(n);
        if (n === 5) drain.abort();
      },
    );
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(seen.length).toBeLessThan(50);
    expect(await pending('a')).toEqual([]);
  });

  it('drains with takeUntil: what the stages hold is finished and acknowledged, nothing pending', async () => {
    await writeRedisStream(range(0, 50), redis, { stream });
    const drain = new AbortController();
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a', ack: 'auto', count: 8 });
    const seen: number[] = [];
    await forEach(
      pipe(
        source,
        takeUntil(drain.signal),
        parallelMap(
          async (n: number) => {
            await new Promise((resolve) => setImmediate(resolve));
            return n;
          },
          { concurrency: 4 },
        ),
      ),
      (n) => {
        seen.push(n);
        if (n === 5) drain.abort();
      },
    );
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(await pending('a')).toEqual([]);
  });

  it('opens no connection and leaves no listener when stopped between two commands (take ending)', async () => {
    for (let i = 0; i < 10; i++) {
      await writeRedisStream([1, 2, 3], redis, { stream });
      const source = fromRedisStream<number>(redis, { stream, group, consumer: `c${i}`, ack: 'auto' });
      const out = await collect(
        pipe(
          source,
          parallelMap(async (n: number) => n, { concurrency: 2 }),
          take(3),
        ),
      );
      expect(out.sort()).toEqual([1, 2, 3]);
      expect(await pending()).toEqual([]);
      await scope().check();
    }
  });

  it('refuses at build time a stage that cannot carry acknowledgements', () => {
    const source = fromRedisStream<number>(redis, { stream, group, consumer: 'a', ack: 'auto' });
    async function* double(input: AsyncIterable<number>) {
      for await (const n of input) yield n * 2;
    }
    expect(() =>
      pipe(
        source,
        map((n: number) => n),
        double,
      ),
    ).toThrow(/`double` \(a foreign stage\) at position 2/);
  });

  it('names the option and the value when given a bad one', () => {
    expect(() => fromRedisStream(redis, { stream: '', group, consumer: 'a' })).toThrow(TypeError);
    expect(() => fromRedisStream(redis, { stream, group, consumer: 'a', count: 0 })).toThrow(RangeError);
    expect(() => fromRedisStream(redis, { stream, group, consumer: 'a', block: 2 ** 31 })).toThrow(
      RangeError,
    );
  });
});

/** The id of the client named `name` once its last command is `command` (a BLOCK under way). */
async function waitForClient(redis: Redis, name: string, command: string): Promise<string> {
  for (;;) {
    const list = (await redis.call('CLIENT', 'LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(`name=${name} `) && l.includes(`cmd=${command}`));
    if (line) return /id=(\d+)/.exec(line)![1]!;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
void scope;

describeRedis('fromRedisStream leases', () => {
  let redis: Redis;
  beforeAll(() => void (redis = new Redis({ host: '127.0.0.1', port: 6379 })));
  afterAll(() => redis.quit());

  it("aborts a message's signal when another consumer claimed it", async () => {
    const stream = uniqueName('lease');
    const group = uniqueName('group');
    try {
      await writeRedisStream([1], redis, { stream });
      const iterator = fromRedisStream<number>(redis, { stream, group, consumer: 'a', claimIdleMs: 100 })[
        Symbol.asyncIterator
      ]();
      const { value: message } = await iterator.next();
      await redis.call('XCLAIM', stream, group, 'b', 0, message!.id); // b takes it over
      await new Promise((resolve) => message!.signal.addEventListener('abort', resolve, { once: true }));
      expect(String(message!.signal.reason)).toMatch(/lease .* was lost/);
      await iterator.return!();
    } finally {
      await redis.del(stream);
    }
  });
});
