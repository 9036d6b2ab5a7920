import fc from 'fast-check';
import { batch, collect, pipe } from '../../lib/index.js';
import { LeakScope, useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { deferred, spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();
const numbers = (length: number): number[] => Array.from({ length }, (_, i) => i);
const chunks = <T>(input: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(input.length / size) }, (_, i) => input.slice(i * size, (i + 1) * size));

describeContract(
  'batch',
  { build: () => batch(4), expected: (input) => chunks(input, 4), hasCallback: false },
  scope,
);
describeContract(
  'batch with maxWait',
  { build: () => batch(4, { maxWait: 10_000 }), expected: (input) => chunks(input, 4), hasCallback: false },
  scope,
);

/** A source that yields `before`, then waits for `gate` before yielding `after`; counts concurrent pulls. */
function gatedSource(before: number[], after: number[]) {
  const gate = deferred<void>();
  const log = { inFlight: 0, peak: 0, returned: false };
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]() {
      const values = [...before, ...after];
      let index = 0;
      return {
        async next() {
          log.peak = Math.max(log.peak, ++log.inFlight);
          try {
            if (index === before.length) await gate.promise;
            return index < values.length
              ? { value: values[index++], done: false }
              : { value: undefined, done: true };
          } finally {
            log.inFlight--;
          }
        },
        async return() {
          log.returned = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { iterable, gate, log };
}

describe('batch', () => {
  afterEach(() => jest.useRealTimers());

  it('yields full batches and flushes the partial one at the end', async () => {
    await expect(collect(pipe(numbers(7), batch(3)))).resolves.toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    await expect(collect(pipe([], batch(3)))).resolves.toEqual([]);
  });

  it('flushes the partial batch before the source error', async () => {
    const error = new Error('source failed');
    const iterator = pipe(spySource(numbers(10), { failAt: 4, error }), batch(3))[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ value: [0, 1, 2], done: false });
    await expect(iterator.next()).resolves.toEqual({ value: [3], done: false });
    await expect(iterator.next()).rejects.toBe(error);
  });

  it('reads one batch on demand, and nothing ahead of it', async () => {
    const source = spySource(numbers(100));
    const iterator = pipe(source, batch(3))[Symbol.asyncIterator]();
    await iterator.next();
    await ticks(50);
    expect(source.log.pulls).toBe(3);
    await iterator.return!();
  });

  it('flushes a short batch `maxWait` ms after its first item, keeping the pending pull for the next', async () => {
    jest.useFakeTimers();
    const { iterable, gate, log } = gatedSource([1, 2], [3, 4]);
    const iterator = pipe(iterable, batch(5, { maxWait: 100 }))[Symbol.asyncIterator]();
    const first = iterator.next();
    let settled = false;
    void first.then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(99);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(first).resolves.toEqual({ value: [1, 2], done: false });
    const second = iterator.next();
    gate.resolve();
    await expect(second).resolves.toEqual({ value: [3, 4], done: false });
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    expect(log.peak).toBe(1); // upstream next() was never called twice at once
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears the maxWait timer when the consumer breaks', async () => {
    jest.useFakeTimers();
    const { iterable, gate, log } = gatedSource([1], [2]);
    const iterator = pipe(iterable, batch(5, { maxWait: 1000 }))[Symbol.asyncIterator]();
    const pending = iterator.next();
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBe(1);
    await iterator.return!();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(jest.getTimerCount()).toBe(0);
    expect(log.returned).toBe(true);
    gate.resolve();
  });

  it('clears the maxWait timer on abort and rejects with the same reason', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const reason = new Error('stop');
    const { iterable, gate } = gatedSource([1], [2]);
    const pipeline = pipe(iterable, batch(5, { maxWait: 1000 }), { signal: controller.signal });
    const pending = pipeline[Symbol.asyncIterator]().next();
    await jest.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    gate.resolve();
  });

  it.each([
    [() => batch(0), new RangeError('Expected `size` to be an integer ≥ 1, got 0')],
    [() => batch(2.5), new RangeError('Expected `size` to be an integer ≥ 1, got 2.5')],
    [
      () => batch(3, { maxWait: -1 }),
      new RangeError('Expected `maxWait` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got -1'),
    ],
    [
      () => batch(3, { maxWait: 2 ** 31 }),
      new RangeError(
        'Expected `maxWait` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648',
      ),
    ],
    [
      () => batch(3, { maxWait: '5' as never }),
      new TypeError('Expected `maxWait` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got "5"'),
    ],
  ])('rejects bad arguments when the stage is built (%#)', (build, error) => {
    expect(build).toThrow(error);
  });

  it('never loses, duplicates or reorders an item, and never exceeds `size`', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(40),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(6), { minLength: 1, maxLength: 6 }),
        async (length, size, sourceJitter, readJitter) => {
          const leaks = new LeakScope();
          const source = spySource(numbers(length), { jitter: (i) => sourceJitter[i % sourceJitter.length] });
          const batches: number[][] = [];
          for await (const items of pipe(source, batch(size))) {
            batches.push(items);
            expect(source.log.pulls).toBeLessThanOrEqual(batches.length * size + 1);
            await ticks(readJitter[batches.length % readJitter.length]);
          }
          expect(batches).toEqual(chunks(numbers(length), size));
          await leaks.check();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describeContract(
  'batch (weighed)',
  {
    build: () => batch(10, { weigh: (n: number) => n, maxWeight: 5 }),
    expected: () => [[1, 2], [3], [4], [5], [6]],
    hasCallback: false,
  },
  scope,
);

describe('batch with weigh and maxWeight', () => {
  it('yields a batch once its weight reaches maxWeight, an item that would pass it starting the next', async () => {
    const out = await collect(pipe([1, 1, 3, 2, 4, 1], batch(10, { weigh: (n: number) => n, maxWeight: 5 })));
    expect(out).toEqual([[1, 1, 3], [2], [4, 1]]);
  });

  it('makes an item heavier than maxWeight a batch of one, and still cuts at size', async () => {
    const out = await collect(pipe([1, 9, 1, 1, 1], batch(2, { weigh: (n: number) => n, maxWeight: 5 })));
    expect(out).toEqual([[1], [9], [1, 1], [1]]);
  });

  it('loses nothing and keeps every batch within its bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(10), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 12 }),
        async (weights, size, maxWeight) => {
          const out = await collect(pipe(weights, batch(size, { weigh: (n: number) => n, maxWeight })));
          expect(out.flat()).toEqual(weights);
          for (const group of out) {
            expect(group.length).toBeGreaterThan(0);
            expect(group.length).toBeLessThanOrEqual(size);
            const total = group.reduce((a, b) => a + b, 0);
            if (group.length > 1) expect(total - group[group.length - 1]!).toBeLessThan(maxWeight);
            if (group.length > 1) expect(total).toBeLessThanOrEqual(maxWeight);
          }
        },
      ),
    );
  });

  it('fails with what weigh throws, or a TypeError for a weight that is not a number ≥ 0', async () => {
    const error = new Error('cannot weigh');
    await expect(
      collect(
        pipe(
          [1],
          batch(2, {
            weigh: () => {
              throw error;
            },
            maxWeight: 3,
          }),
        ),
      ),
    ).rejects.toBe(error);
    await expect(collect(pipe([1], batch(2, { weigh: () => -1, maxWeight: 3 })))).rejects.toThrow(
      'Expected `weigh` to return a finite number ≥ 0, got -1',
    );
  });

  it('throws at build time for weigh without maxWeight, and a bad maxWeight', () => {
    expect(() => batch(2, { weigh: () => 1 })).toThrow(TypeError);
    expect(() => batch(2, { maxWeight: 3 })).toThrow('`weigh`');
    expect(() => batch(2, { weigh: () => 1, maxWeight: 0 })).toThrow(RangeError);
    expect(() => batch(2, { weigh: () => 1, maxWeight: NaN })).toThrow('`maxWeight`');
  });
});
