import fc from 'fast-check';
import { collect, pipe, rateLimit, RateLimiter } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeWaitContract } from './wait-contract.js';

const scope = useLeakCheck();

describeWaitContract(
  'RateLimiter.wait',
  {
    blocked: () => {
      const limiter = new RateLimiter({ limit: 1, interval: 60_000 });
      void limiter.wait();
      return { wait: (signal) => limiter.wait({ signal }), took: () => false, dispose: () => {} };
    },
    free: () => {
      const limiter = new RateLimiter({ limit: 1 });
      return { wait: (signal) => limiter.wait({ signal }), took: () => false, dispose: () => {} };
    },
    bad: [
      [
        'limit: 0',
        () => new RateLimiter({ limit: 0 }),
        new RangeError('Expected `limit` to be an integer ≥ 1, got 0'),
      ],
      [
        'burst above limit',
        () => new RateLimiter({ limit: 2, burst: 3 }),
        new RangeError('Expected `burst` to be an integer between 1 and `limit` (2), got 3'),
      ],
      [
        'interval too long',
        () => new RateLimiter({ limit: 2, interval: 2 ** 31 }),
        new RangeError(
          'Expected `interval` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648',
        ),
      ],
      [
        'cost above burst',
        () => new RateLimiter({ limit: 4, burst: 2 }).wait({ cost: 3 }),
        new RangeError('Expected `cost` to be an integer between 1 and `burst` (2), got 3'),
      ],
      [
        'a fractional cost',
        () => new RateLimiter({ limit: 4 }).wait({ cost: 1.5 }),
        new RangeError('Expected `cost` to be an integer ≥ 1, got 1.5'),
      ],
      [
        'a signal that is not one',
        () => new RateLimiter({ limit: 4 }).wait({ signal: 'x' as never }),
        new TypeError('Expected `signal` to be an AbortSignal, got "x"'),
      ],
    ],
  },
  scope,
);

/** Runs the fake clock until `promise` settles. */
async function settle<T>(promise: Promise<T>, step = 1): Promise<T> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) await jest.advanceTimersByTimeAsync(step);
  return promise;
}

describe('RateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('serves waiters first in, first out, so a costly waiter is not starved by cheap ones', async () => {
    const limiter = new RateLimiter({ limit: 4, interval: 1_000 });
    const order: string[] = [];
    const waits = [
      limiter.wait({ cost: 3 }).then(() => order.push(`heavy@${Date.now()}`)),
      limiter.wait({ cost: 4 }).then(() => order.push(`heavier@${Date.now()}`)),
      limiter.wait().then(() => order.push(`light@${Date.now()}`)),
    ];
    await settle(Promise.all(waits));
    expect(order).toEqual(['heavy@0', 'heavier@1000', 'light@2000']);
  });

  it('takes nothing for a waiter that aborts: the next one goes when it would have', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1_000 });
    await limiter.wait();
    const controller = new AbortController();
    const aborted = limiter.wait({ signal: controller.signal });
    const next = limiter.wait().then(() => Date.now());
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    await expect(settle(next)).resolves.toBe(1_000);
  });

  it('is shared by rateLimit({ limiter }) stages and callbacks: one budget for all', async () => {
    const limiter = new RateLimiter({ limit: 2, interval: 1_000 });
    const times: number[] = [];
    const a = collect(pipe([1, 2], rateLimit({ limiter }))).then((v) =>
      times.push(...v.map(() => Date.now())),
    );
    const b = collect(pipe([3, 4], rateLimit({ limiter }))).then((v) =>
      times.push(...v.map(() => Date.now())),
    );
    const c = limiter.wait().then(() => times.push(Date.now()));
    await settle(Promise.all([a, b, c]));
    expect(times).toHaveLength(5);
    times.sort((x, y) => x - y);
    expect(times[2]).toBeGreaterThanOrEqual(1_000);
    expect(times[4]).toBeGreaterThanOrEqual(2_000);
  });

  it('rejects rateLimit given both a limiter and a limit', () => {
    const limiter = new RateLimiter({ limit: 2 });
    expect(() => rateLimit({ limiter, limit: 3 } as never)).toThrow(
      new TypeError('Expected either `limiter` or `limit`, `interval` and `burst`, not both'),
    );
    expect(() => rateLimit({ limiter: {} as never })).toThrow(
      new TypeError('Expected `limiter` to be a RateLimiter, got an object'),
    );
  });

  it('never lets more than `limit` units into any window, whatever the costs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 }),
        async (limit, burstSeed, costSeeds) => {
          const burst = 1 + (burstSeed % limit);
          const interval = 100;
          const limiter = new RateLimiter({ limit, interval, burst });
          const units: number[] = [];
          const costs = costSeeds.map((c) => 1 + (c % burst));
          await settle(
            Promise.all(
              costs.map((cost) =>
                limiter.wait({ cost }).then(() => units.push(...Array(cost).fill(Date.now()))),
              ),
            ),
          );
          units.sort((x, y) => x - y);
          return units.every((time, i) => i + limit >= units.length || units[i + limit] - time >= interval);
        },
      ),
      { numRuns: 60 },
    );
  });
});
