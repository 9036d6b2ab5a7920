import fc from 'fast-check';
import { pipe, throttle } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, settleAll } from '../helpers.js';

const scope = useLeakCheck();

// In-memory values all come within one instant: the first (leading), then the last (trailing)
// once 60 s pass, which no contract case waits for: so the first value, and the end after it.
describeContract(
  'throttle',
  {
    build: () => throttle(60_000, { trailing: false }),
    expected: (input) => input.slice(0, 1),
    hasCallback: false,
  },
  scope,
);

/** A source yielding each value after its delay on the fake clock. */
async function* timedSource(items: [number, number][]): AsyncGenerator<number> {
  for (const [value, delay] of items) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    yield value;
  }
}

async function timed<T>(
  iterable: AsyncIterable<T>,
  slow = 0,
): Promise<{ values: T[]; times: number[]; error?: unknown }> {
  const times: number[] = [];
  let finished = false;
  const reading = settleAll(
    pipe(iterable, async function* (source) {
      for await (const value of source) {
        times.push(Date.now());
        yield value;
        if (slow > 0) await new Promise((resolve) => setTimeout(resolve, slow));
      }
    }),
  ).finally(() => (finished = true));
  while (!finished) await jest.advanceTimersByTimeAsync(1);
  return { ...(await reading), times };
}

const burst: [number, number][] = [
  [1, 0],
  [2, 10],
  [3, 10],
  [4, 200],
  [5, 10],
];

describe('throttle', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('yields the leading value at once and the latest trailing one when `ms` have passed', async () => {
    const { values, times } = await timed(pipe(timedSource(burst), throttle(100)));
    expect(values).toEqual([1, 3, 4, 5]);
    expect(times).toEqual([0, 100, 220, 320]);
  });

  it('drops the values that come too soon without trailing', async () => {
    const { values, times } = await timed(pipe(timedSource(burst), throttle(100, { trailing: false })));
    expect(values).toEqual([1, 4]);
    expect(times).toEqual([0, 220]);
  });

  it('yields only the latest value of each window without leading', async () => {
    const { values, times } = await timed(pipe(timedSource(burst), throttle(100, { leading: false })));
    expect(values).toEqual([3, 5]);
    expect(times).toEqual([100, 320]);
  });

  it('clears its timer and rejects with the same reason on abort while a trailing value waits', async () => {
    const controller = new AbortController();
    const iterator = pipe(
      timedSource([
        [1, 0],
        [2, 0],
        [3, 1_000],
      ]),
      throttle(100),
      { signal: controller.signal },
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    await jest.advanceTimersByTimeAsync(0);
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    const pending = iterator.next();
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(
      scope()
        .leaks()
        .filter((leak) => leak.kind === 'timer'),
    ).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000); // the source's own sleep ends, so it lets go
  });

  it.each([
    [
      { leading: false, trailing: false },
      new RangeError('Expected `leading` or `trailing` to be true, got both false: nothing would be yielded'),
    ],
    [{ leading: 1 }, new TypeError('Expected `leading` to be a boolean, got 1')],
    [{ trailing: 'no' }, new TypeError('Expected `trailing` to be a boolean, got "no"')],
  ])('rejects options %p when built', (options, error) => {
    expect(() => throttle(100, options as never)).toThrow(error);
  });

  it('rejects a bad ms when built', () => {
    expect(() => throttle(NaN)).toThrow(
      new RangeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got NaN'),
    );
  });

  it('never yields two values within `ms`, whatever the arrivals and the reader (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.nat(60), { minLength: 1, maxLength: 15 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(80),
        async (ms, delays, leading, trailing, slow) => {
          if (!leading && !trailing) leading = true;
          const source = timedSource(delays.map((delay, i) => [i, delay]));
          const { values, times } = await timed(pipe(source, throttle(ms, { leading, trailing })), slow);
          const spaced = times.every((time, i) => i === 0 || time - times[i - 1] >= ms);
          const ordered = values.every((value, i) => i === 0 || value > values[i - 1]);
          return spaced && ordered && values.length > 0 && jest.getTimerCount() === 0;
        },
      ),
      { numRuns: 80 },
    );
  });
});
