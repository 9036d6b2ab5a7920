import fc from 'fast-check';
import { Semaphore } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { ticks } from '../helpers.js';
import { describeWaitContract } from './wait-contract.js';

const scope = useLeakCheck();

describeWaitContract(
  'Semaphore.acquire',
  {
    blocked: () => {
      const semaphore = new Semaphore(1);
      const first = semaphore.tryAcquire()!;
      return {
        wait: (signal) => semaphore.acquire(1, { signal }),
        took: () => semaphore.held !== 1,
        dispose: first,
      };
    },
    free: () => {
      const semaphore = new Semaphore(1);
      return {
        wait: (signal) => semaphore.acquire(1, { signal }).then((release) => release()),
        took: () => semaphore.held !== 0,
        dispose: () => {},
      };
    },
    bad: [
      [
        'permits: 0',
        () => new Semaphore(0),
        new RangeError('Expected `permits` to be an integer ≥ 1, got 0'),
      ],
      [
        'permits: "2"',
        () => new Semaphore('2' as never),
        new TypeError('Expected `permits` to be an integer ≥ 1, got "2"'),
      ],
      [
        'a weight above permits',
        () => new Semaphore(2).acquire(3),
        new RangeError('Expected `weight` to be an integer between 1 and `permits` (2), got 3'),
      ],
      [
        'weight: 0',
        () => new Semaphore(2).tryAcquire(0),
        new RangeError('Expected `weight` to be an integer ≥ 1, got 0'),
      ],
      [
        'a signal that is not one',
        () => new Semaphore(2).acquire(1, { signal: {} as never }),
        new TypeError('Expected `signal` to be an AbortSignal, got an object'),
      ],
    ],
  },
  scope,
);

describeWaitContract(
  'Semaphore.run',
  {
    blocked: () => {
      const semaphore = new Semaphore(1);
      const first = semaphore.tryAcquire()!;
      let ran = false;
      return {
        wait: (signal) => semaphore.run(() => (ran = true), { signal }),
        took: () => ran || semaphore.held !== 1,
        dispose: first,
      };
    },
    free: () => {
      const semaphore = new Semaphore(1);
      let ran = false;
      return {
        wait: (signal) => semaphore.run(() => (ran = true), { signal }),
        took: () => ran,
        dispose: () => {},
      };
    },
    bad: [
      [
        'a task that is not a function',
        () => new Semaphore(1).run(1 as never),
        new TypeError('Expected `task` to be a function, got 1'),
      ],
    ],
  },
  scope,
);

describe('Semaphore', () => {
  it('keeps a heavy waiter at the head of the line: lighter ones behind it wait', async () => {
    const semaphore = new Semaphore(3);
    const first = await semaphore.acquire(2);
    const order: string[] = [];
    const heavy = semaphore.acquire(3).then((release) => (order.push('heavy'), release));
    const light = semaphore.acquire(1).then((release) => (order.push('light'), release));
    await ticks(5);
    expect(order).toEqual([]); // one permit is free, but the heavy waiter is first
    first();
    (await heavy)();
    (await light)();
    expect(order).toEqual(['heavy', 'light']);
    expect(semaphore.held).toBe(0);
  });

  it('lets the line move up when the waiter at its head aborts', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire(1);
    const controller = new AbortController();
    const heavy = semaphore.acquire(2, { signal: controller.signal });
    const light = semaphore.acquire(1);
    controller.abort(new Error('gone'));
    await expect(heavy).rejects.toThrow('gone');
    (await light)();
    first();
    expect(semaphore.held).toBe(0);
  });

  it('releases once, however often release is called, and with `using`', async () => {
    const semaphore = new Semaphore(2);
    {
      using _held = await semaphore.acquire(2);
      expect(semaphore.held).toBe(2);
    }
    expect(semaphore.held).toBe(0);
    const release = await semaphore.acquire(1);
    release();
    release();
    expect(semaphore.held).toBe(0);
    expect(semaphore.tryAcquire(2)).toBeDefined();
    expect(semaphore.tryAcquire(1)).toBeUndefined();
  });

  it('run releases when the task throws, synchronously or not', async () => {
    const semaphore = new Semaphore(1);
    const error = new Error('task failed');
    await expect(
      semaphore.run(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    await expect(semaphore.run(() => Promise.reject(error))).rejects.toBe(error);
    await expect(semaphore.run((signal) => signal.aborted)).resolves.toBe(false);
    expect(semaphore.held).toBe(0);
  });

  it('never holds more than `permits` weight and serves waiters in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({ weight: fc.integer({ min: 1, max: 5 }), hold: fc.nat(4), abort: fc.boolean() }),
          {
            maxLength: 20,
          },
        ),
        async (permits, seeds) => {
          const semaphore = new Semaphore(permits);
          const served: number[] = [];
          let peak = 0;
          const runs = seeds.map(async ({ weight, hold, abort }, index) => {
            const controller = new AbortController();
            const pending = semaphore.acquire(1 + ((weight - 1) % permits), { signal: controller.signal });
            if (abort) queueMicrotask(() => controller.abort(new Error('gone')));
            try {
              const release = await pending;
              served.push(index);
              peak = Math.max(peak, semaphore.held);
              await ticks(hold);
              release();
            } catch {
              // aborted while waiting: served never lists it
            }
          });
          await Promise.all(runs);
          const sorted = [...served].sort((a, b) => a - b);
          return peak <= permits && served.join() === sorted.join() && semaphore.held === 0;
        },
      ),
      { numRuns: 100 },
    );
  });
});
