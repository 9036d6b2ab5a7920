import fc from 'fast-check';
import { buffer, collect, pipe } from '../../lib/index.js';
import { LeakScope, useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource, ticks, turns, withinTurns } from '../helpers.js';

const scope = useLeakCheck();
const numbers = (length: number): number[] => Array.from({ length }, (_, i) => i);

describeContract('buffer', { build: () => buffer(2), expected: (input) => input, hasCallback: false }, scope);
// Room for every contract item: nothing is dropped, so the output is the input.
describeContract(
  'buffer with overflow: drop-oldest',
  { build: () => buffer(8, { overflow: 'drop-oldest' }), expected: (input) => input, hasCallback: false },
  scope,
);

describe('buffer', () => {
  it('runs the source ahead of demand by exactly `capacity` items, and no further', async () => {
    const source = spySource(numbers(100));
    const iterator = pipe(source, buffer(5))[Symbol.asyncIterator]();
    await iterator.next();
    await ticks(50);
    expect(source.log.pulls).toBe(1 + 5);
    await iterator.next();
    await ticks(50);
    expect(source.log.pulls).toBe(2 + 5);
    await iterator.return!();
    expect(source.log.returned).toBe(true);
  });

  it('delivers the buffered items before the source error, as a Go reader drains a channel', async () => {
    const error = new Error('source failed');
    const source = spySource(numbers(10), { failAt: 3, error });
    const iterator = pipe(source, buffer(8))[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ value: 0, done: false });
    await ticks(50); // the pump has met the error by now
    await expect(iterator.next()).resolves.toEqual({ value: 1, done: false });
    await expect(iterator.next()).resolves.toEqual({ value: 2, done: false });
    await expect(iterator.next()).rejects.toBe(error);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('stops its pump when the consumer breaks, with items still buffered', async () => {
    const source = spySource(numbers(100));
    for await (const _ of pipe(source, buffer(4))) break;
    const pulls = source.log.pulls;
    await ticks(50);
    expect(source.log.pulls).toBe(pulls);
    expect(source.log.finalized).toBe(true);
  });

  it.each([
    [0, new RangeError('Expected `capacity` to be an integer ≥ 1, got 0')],
    [2.5, new RangeError('Expected `capacity` to be an integer ≥ 1, got 2.5')],
    ['4', new TypeError('Expected `capacity` to be an integer ≥ 1, got "4"')],
  ])('rejects capacity %p when the stage is built', (capacity, error) => {
    expect(() => buffer(capacity as number)).toThrow(error);
  });

  it('never loses, duplicates or reorders an item, nor reads more than `capacity` ahead', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(40),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(6), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        async (length, capacity, sourceJitter, readJitter, breakAt) => {
          const leaks = new LeakScope();
          const source = spySource(numbers(length), { jitter: (i) => sourceJitter[i % sourceJitter.length] });
          const values: number[] = [];
          for await (const value of pipe(source, buffer(capacity))) {
            values.push(value);
            expect(source.log.pulls).toBeLessThanOrEqual(values.length + capacity);
            if (values.length === breakAt) break;
            await ticks(readJitter[values.length % readJitter.length]);
          }
          expect(values).toEqual(numbers(Math.min(length, breakAt ?? length)));
          expect(source.log.finalized).toBe(true);
          await leaks.check();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps a fast producer going while the consumer is busy', async () => {
    await expect(collect(pipe(numbers(50), buffer(10)))).resolves.toEqual(numbers(50));
  });
});

describe('buffer with a drop policy', () => {
  async function run(overflow: 'drop-newest' | 'drop-oldest', capacity: number, count: number) {
    const dropped: number[] = [];
    const source = spySource(numbers(count));
    const iterator = pipe(source, buffer(capacity, { overflow, onDrop: (n) => dropped.push(n) }))[
      Symbol.asyncIterator
    ]();
    const values = [(await iterator.next()).value as number];
    await turns(3); // the pump runs on, never waiting for the reader
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) values.push(r.value);
    return { values, dropped, source };
  }

  it('drops the newest items while full, reports each to onDrop, and never blocks the pump', async () => {
    const { values, dropped, source } = await run('drop-newest', 3, 10);
    expect(values).toEqual([0, 1, 2, 3]);
    expect(dropped).toEqual([4, 5, 6, 7, 8, 9]);
    expect(source.log.finalized).toBe(true);
  });

  it('keeps the latest item with drop-oldest and capacity 1 (conflate)', async () => {
    const { values, dropped } = await run('drop-oldest', 1, 10);
    expect(values).toEqual([0, 9]);
    expect(dropped).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('fails the stream with what onDrop throws', async () => {
    const error = new Error('onDrop failed');
    const iterator = pipe(
      spySource(numbers(10)),
      buffer(1, {
        overflow: 'drop-newest',
        onDrop: () => {
          throw error;
        },
      }),
    )[Symbol.asyncIterator]();
    await iterator.next();
    await turns(3);
    await expect(iterator.next()).rejects.toBe(error);
  });

  it('lets timers run while it drops from an always-ready source', async () => {
    function* forever(): Generator<number> {
      for (let i = 0; ; i++) yield i;
    }
    let dropped = 0;
    const iterator = pipe(forever(), buffer(1, { overflow: 'drop-oldest', onDrop: () => dropped++ }))[
      Symbol.asyncIterator
    ]();
    await iterator.next();
    await withinTurns(new Promise((resolve) => setTimeout(resolve, 0)), 50, 'a timer');
    expect(dropped).toBeGreaterThan(0);
    await iterator.return!();
  });

  it.each([
    [
      { overflow: 'drop' },
      new TypeError('Expected `overflow` to be one of "block", "drop-newest", "drop-oldest", got "drop"'),
    ],
    [{ overflow: 'drop-oldest', onDrop: 1 }, new TypeError('Expected `onDrop` to be a function, got 1')],
    [null, new TypeError('Expected `options` to be an options object, got null')],
  ])('rejects options %p when the stage is built', (options, error) => {
    expect(() => buffer(2, options as never)).toThrow(error);
  });
});
