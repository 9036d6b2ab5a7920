import { debounce, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, settleAll, spySource } from '../helpers.js';

const scope = useLeakCheck();

// In-memory values come faster than any quiet period: only the last one, flushed at the end.
describeContract(
  'debounce',
  {
    build: () => debounce(60_000),
    expected: (input) => input.slice(-1),
    hasCallback: false,
    readsToEnd: true,
  },
  scope,
);

/** A source yielding `[value, delayBefore]` pairs on the fake clock. */
async function* timedSource(items: [number, number][]): AsyncGenerator<number> {
  for (const [value, delay] of items) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    yield value;
  }
}

/** Reads to the end on fake timers, recording when each value arrived. */
async function timed<T>(
  iterable: AsyncIterable<T>,
): Promise<{ values: T[]; times: number[]; error?: unknown }> {
  const times: number[] = [];
  let finished = false;
  const reading = settleAll(
    pipe(iterable, async function* (source) {
      for await (const value of source) {
        times.push(Date.now());
        yield value;
      }
    }),
  ).finally(() => (finished = true));
  while (!finished) await jest.advanceTimersByTimeAsync(1);
  return { ...(await reading), times };
}

describe('debounce', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('yields a value once `ms` pass with no newer value, and flushes the last at the end', async () => {
    const source = timedSource([
      [1, 0],
      [2, 50],
      [3, 50],
      [4, 200],
      [5, 50],
    ]);
    const { values, times } = await timed(pipe(source, debounce(100)));
    expect(values).toEqual([3, 5]);
    expect(times).toEqual([200, 350]);
  });

  it('sets a timer only while a value waits to fall quiet', async () => {
    const gate = { release: (): void => {} };
    async function* source(): AsyncGenerator<number> {
      yield 1;
      await new Promise<void>((resolve) => (gate.release = resolve));
      yield 2;
    }
    const iterator = pipe(source(), debounce(100))[Symbol.asyncIterator]();
    const first = iterator.next();
    await jest.advanceTimersByTimeAsync(0);
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(100);
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    expect(jest.getTimerCount()).toBe(0); // the source is silent: no value waits
    gate.release();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 2 }); // flushed at the end
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('drops a value still waiting on a source error, and clears its timer', async () => {
    const error = new Error('source failed');
    const source = spySource([1, 2, 3], { failAt: 2, error });
    const outcome = await timed(pipe(source, debounce(100)));
    expect(outcome).toMatchObject({ values: [], error });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears its timer and rejects with the same reason on abort while a value waits', async () => {
    const controller = new AbortController();
    const iterator = pipe(
      timedSource([
        [1, 0],
        [2, 1_000],
      ]),
      debounce(100),
      { signal: controller.signal },
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await jest.advanceTimersByTimeAsync(10);
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
    [-1, new RangeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got -1')],
    ['5', new TypeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got "5"')],
    [
      2 ** 31,
      new RangeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648'),
    ],
  ])('rejects ms %p when built', (ms, error) => {
    expect(() => debounce(ms as number)).toThrow(error);
  });
});
