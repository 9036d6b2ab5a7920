import fc from 'fast-check';
import { buffer, collect, pipe } from '../../lib/index.js';
import { LeakScope, useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();
const numbers = (length: number): number[] => Array.from({ length }, (_, i) => i);

describeContract('buffer', { build: () => buffer(2), expected: (input) => input, hasCallback: false }, scope);

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
