import fc from 'fast-check';
import { pipe } from '../../lib/core/pipe.js';
import { rateLimit } from '../../lib/stages/rate-limit.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, fakeDelay, spySource } from '../helpers.js';

const scope = useLeakCheck();

// A limit high enough that the contract's six items never wait.
describeContract(
  'rateLimit',
  { build: () => rateLimit({ limit: 100, interval: 1_000 }), expected: (input) => input, hasCallback: false },
  scope,
);

/** Reads `iterable` to its end on fake timers, recording when each item arrived. */
async function timed<T>(iterable: AsyncIterable<T>, step = 1): Promise<{ values: T[]; times: number[] }> {
  const values: T[] = [];
  const times: number[] = [];
  let finished = false;
  const reading = (async () => {
    for await (const value of iterable) {
      values.push(value);
      times.push(Date.now());
    }
    finished = true;
  })();
  while (!finished) await jest.advanceTimersByTimeAsync(step);
  await reading;
  return { values, times };
}

/** True when no window of `interval` ms, however placed, holds more than `limit` of `times`. */
function withinLimit(times: number[], limit: number, interval: number): boolean {
  return times.every((time, i) => i + limit >= times.length || times[i + limit] - time >= interval);
}

const numbers = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe('rateLimit', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('lets a burst of `limit` through at once, then waits for the window to slide', async () => {
    const { values, times } = await timed(pipe(numbers(7), rateLimit({ limit: 3, interval: 1_000 })));
    expect(values).toEqual(numbers(7));
    expect(times).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
  });

  it('spaces items evenly with burst: 1', async () => {
    const { times } = await timed(pipe(numbers(4), rateLimit({ limit: 2, interval: 1_000, burst: 1 })));
    expect(times).toEqual([0, 500, 1_000, 1_500]);
  });

  it('never lets more than limit items into any window and drops nothing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 15 }),
        async (limit, burstWish, interval, gaps) => {
          const burst = Math.min(burstWish, limit);
          // A source that is itself irregular: item i comes gaps[i] ms after it is asked for.
          async function* irregular() {
            for (const [i, gap] of gaps.entries()) {
              await fakeDelay(gap);
              yield i;
            }
          }
          const { values, times } = await timed(pipe(irregular(), rateLimit({ limit, interval, burst })));
          expect(values).toEqual(numbers(gaps.length));
          expect(withinLimit(times, limit, interval)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('chains into the multi-tier limiter: both limits hold', async () => {
    const { values, times } = await timed(
      pipe(
        numbers(12),
        rateLimit({ limit: 2, interval: 1_000, burst: 1 }),
        rateLimit({ limit: 5, interval: 10_000 }),
      ),
      100,
    );
    expect(values).toEqual(numbers(12));
    expect(withinLimit(times, 2, 1_000)).toBe(true);
    expect(withinLimit(times, 5, 10_000)).toBe(true);
    expect(times.slice(0, 6)).toEqual([0, 500, 1_000, 1_500, 2_000, 10_000]);
  });

  it('reads no further than the item the consumer asked for while it waits', async () => {
    const source = spySource(numbers(10));
    const iterator = pipe(source, rateLimit({ limit: 1, interval: 1_000 }))[Symbol.asyncIterator]();
    await iterator.next();
    const second = iterator.next();
    await jest.advanceTimersByTimeAsync(500);
    expect(source.log.pulls).toBe(2);
    await jest.advanceTimersByTimeAsync(500);
    await expect(second).resolves.toEqual({ done: false, value: 1 });
    await iterator.return!();
    expect(source.log.returned).toBe(true);
  });

  it('clears its wait and rejects with the reason when aborted mid-wait', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = pipe(numbers(5), rateLimit({ limit: 1, interval: 60_000 }), {
      signal: controller.signal,
    })[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    await jest.advanceTimersByTimeAsync(10);
    expect(
      scope()
        .leaks()
        .map((leak) => leak.kind),
    ).toContain('timer');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(scope().leaks()).toEqual([]);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('leaves no timer when the consumer breaks during a wait', async () => {
    const iterator = pipe(numbers(5), rateLimit({ limit: 1, interval: 60_000 }))[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    await jest.advanceTimersByTimeAsync(10);
    await iterator.return!();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    expect(scope().leaks()).toEqual([]);
  });

  it.each([
    [{ limit: 0 }, new RangeError('Expected `limit` to be an integer ≥ 1, got 0')],
    [{ limit: '2' }, new TypeError('Expected `limit` to be an integer ≥ 1, got "2"')],
    [
      { limit: 2, interval: -1 },
      new RangeError('Expected `interval` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got -1'),
    ],
    [
      { limit: 2, interval: 2 ** 31 },
      new RangeError(
        'Expected `interval` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648',
      ),
    ],
    [
      { limit: 2, burst: 3 },
      new RangeError('Expected `burst` to be an integer between 1 and `limit` (2), got 3'),
    ],
  ])('rejects bad options at build time: %p', (options, error) => {
    expect(() => rateLimit(options as never)).toThrow(error);
  });
});
