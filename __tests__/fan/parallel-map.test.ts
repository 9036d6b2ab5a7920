import fc from 'fast-check';
import { collect, parallelMap, pipe, TimeoutError } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { deferred, spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'parallelMap (ordered)',
  { build: (fn) => parallelMap(fn, { concurrency: 3 }), expected: (input) => input, hasCallback: true },
  scope,
);
describeContract(
  'parallelMap (unordered)',
  {
    build: (fn) => parallelMap(fn, { concurrency: 3, ordered: false }),
    expected: (input) => input,
    hasCallback: true,
  },
  scope,
);

describe('parallelMap', () => {
  it('never runs more than `concurrency` callbacks, and reaches it', async () => {
    let running = 0;
    let peak = 0;
    const out = await collect(
      pipe(
        Array.from({ length: 40 }, (_, i) => i),
        parallelMap(
          async (n) => {
            peak = Math.max(peak, ++running);
            await ticks(40 + (n % 5)); // long enough for the stage to fill every slot
            running--;
            return n;
          },
          { concurrency: 4 },
        ),
      ),
    );
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(4);
  });

  it('keeps input order when ordered, and yields in completion order when not', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    let started = 0;
    const allStarted = deferred<void>();
    const call = (i: number) => {
      if (++started === 6) allStarted.resolve();
      return gates[i].promise;
    };
    const run = (ordered: boolean) =>
      collect(pipe([0, 1, 2], parallelMap(call, { concurrency: 3, ordered })));
    const inOrder = run(true);
    const byCompletion = run(false);
    await allStarted.promise;
    gates[2].resolve('c');
    await ticks(5);
    gates[1].resolve('b');
    await ticks(5);
    gates[0].resolve('a');
    await expect(inOrder).resolves.toEqual(['a', 'b', 'c']);
    await expect(byCompletion).resolves.toEqual(['c', 'b', 'a']);
  });

  it('reads the source at most `concurrency` items ahead of demand', async () => {
    const source = spySource(Array.from({ length: 100 }, (_, i) => i));
    const iterator = pipe(
      source,
      parallelMap((n: number) => n, { concurrency: 5 }),
    )[Symbol.asyncIterator]();
    await iterator.next();
    await ticks(50);
    // One item was read by the consumer; at most `concurrency` more are running or waiting.
    expect(source.log.pulls).toBeLessThanOrEqual(1 + 5);
    await iterator.return!();
  });

  it('aborts the other callbacks when one fails, and waits for them before rejecting', async () => {
    const error = new Error('third failed');
    const signals: AbortSignal[] = [];
    let settled = 0;
    const stage = parallelMap(
      async (n: number, { signal }) => {
        signals.push(signal);
        if (n === 2) throw error;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        settled++;
      },
      { concurrency: 3 },
    );
    await expect(collect(pipe([0, 1, 2, 3], stage))).rejects.toBe(error);
    expect(signals.slice(0, 2).every((signal) => signal.aborted)).toBe(true);
    expect(settled).toBe(2);
  });

  it('fails a call that exceeds `timeout` with a TimeoutError and aborts its signal', async () => {
    jest.useFakeTimers();
    try {
      let callSignal: AbortSignal | undefined;
      const stage = parallelMap(
        (_n: number, { signal }) => {
          callSignal = signal;
          return new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
        },
        { timeout: 100 },
      );
      const result = collect(pipe([1], stage));
      result.catch(() => undefined);
      await jest.advanceTimersByTimeAsync(100);
      await expect(result).rejects.toBeInstanceOf(TimeoutError);
      expect(callSignal?.aborted).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('never loses or duplicates an item under random latencies and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(6), { maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (delays, concurrency, ordered) => {
          let running = 0;
          let peak = 0;
          const out = await collect(
            pipe(
              delays.map((delay, i) => ({ delay, i })),
              parallelMap(
                async ({ delay, i }) => {
                  peak = Math.max(peak, ++running);
                  await ticks(delay);
                  running--;
                  return i;
                },
                { concurrency, ordered },
              ),
            ),
          );
          const expected = delays.map((_, i) => i);
          expect(ordered ? out : [...out].sort((a, b) => a - b)).toEqual(expected);
          expect(peak).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    [{ concurrency: 0 }, new RangeError('Expected `concurrency` to be an integer ≥ 1 or Infinity, got 0')],
    [
      { concurrency: 1.5 },
      new RangeError('Expected `concurrency` to be an integer ≥ 1 or Infinity, got 1.5'),
    ],
    [{ concurrency: '2' }, new TypeError('Expected `concurrency` to be an integer ≥ 1 or Infinity, got "2"')],
    [
      { timeout: -1 },
      new RangeError('Expected `timeout` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got -1'),
    ],
    [
      { timeout: 2 ** 31 },
      new RangeError(
        'Expected `timeout` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648',
      ),
    ],
  ])('rejects bad options %p when the stage is built', (options, error) => {
    expect(() => parallelMap((n) => n, options as never)).toThrow(error);
  });
});
