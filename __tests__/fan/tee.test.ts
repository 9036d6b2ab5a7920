import fc from 'fast-check';
import { tee } from '../../lib/index.js';
import { LeakScope, useLeakCheck } from '../../lib/testing/index.js';
import { describeFanOutContract } from '../fan-out-contract.js';
import { settleAll, spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describeFanOutContract('tee', (source, n, options) => tee(source, n, options), scope);
const numbers = (length: number): number[] => Array.from({ length }, (_, i) => i);
const DONE = { done: true, value: undefined };

describe('tee', () => {
  it('gives every output every item, in order', async () => {
    const source = spySource(numbers(5));
    const outputs = tee(source, 3, { capacity: 2 });
    const results = await Promise.all(outputs.map(settleAll));
    expect(results).toEqual([0, 1, 2].map(() => ({ values: numbers(5) })));
    expect(source.log.pulls).toBe(6);
  });

  it('keeps the fastest output at most `capacity` items ahead of the slowest live one', async () => {
    const source = spySource(numbers(100));
    const [fast, slow] = tee(source, 2, { capacity: 3 });
    const got: number[] = [];
    const reading = (async () => {
      for await (const n of fast) got.push(n);
    })();
    await ticks(50);
    expect(got).toEqual([0, 1, 2]);
    expect(source.log.pulls).toBe(3); // and the source is not read ahead while the slow one lags
    await slow.next();
    await ticks(50);
    expect(got).toEqual([0, 1, 2, 3]);
    await slow.return(); // a returned output stops holding the others back
    await ticks(200);
    expect(got.length).toBeGreaterThan(30);
    await fast.return();
    await reading;
  });

  it('defaults to a capacity of 1', async () => {
    const [fast, slow] = tee(numbers(10), 2);
    await fast.next();
    const second = fast.next();
    let settled = false;
    void second.then(() => (settled = true));
    await ticks(30);
    expect(settled).toBe(false);
    await slow.next();
    await expect(second).resolves.toEqual({ value: 1, done: false });
    await Promise.all([fast.return(), slow.return()]);
  });

  it('delivers a source error to every output still reading, after the items it has not read', async () => {
    const error = new Error('source failed');
    const source = spySource(numbers(6), { failAt: 3, error });
    const results = await Promise.all(tee(source, 2, { capacity: 4 }).map(settleAll));
    expect(results).toEqual([
      { values: [0, 1, 2], error },
      { values: [0, 1, 2], error },
    ]);
  });

  it('hands a lagging output the items already held, in order, then waits for the source again', async () => {
    const source = spySource(numbers(6));
    const [fast, slow] = tee(source, 2, { capacity: 4 });
    for (let i = 0; i < 4; i++) await expect(fast.next()).resolves.toEqual({ value: i, done: false });
    expect(source.log.pulls).toBe(4);
    // Held items answer at once, each result an object of its own; queued reads keep their order.
    const reads = [slow.next(), slow.next(), slow.next(), slow.next(), slow.next()];
    await expect(Promise.all(reads)).resolves.toEqual(numbers(5).map((value) => ({ value, done: false })));
    const last = await Promise.all([fast.next(), fast.next(), slow.next()]);
    expect(last.map((result) => result.value)).toEqual([4, 5, 5]);
    await expect(Promise.all([fast.next(), slow.next()])).resolves.toEqual([DONE, DONE]);
  });

  it('keeps order and bounds through a window of thousands of items', async () => {
    const source = spySource(numbers(5000));
    const [fast, slow] = tee(source, 2, { capacity: 3000 });
    for (let i = 0; i < 2500; i++) expect((await fast.next()).value).toBe(i);
    await ticks(20);
    expect(source.log.pulls).toBe(2500);
    const [rest, all] = await Promise.all([settleAll(fast), settleAll(slow)]);
    expect(rest.values).toEqual(numbers(5000).slice(2500));
    expect(all.values).toEqual(numbers(5000));
  });

  it.each([
    [() => tee([1], 0), new RangeError('Expected `n` to be an integer ≥ 1, got 0')],
    [() => tee([1], 2, { capacity: 0 }), new RangeError('Expected `capacity` to be an integer ≥ 1, got 0')],
    [
      () => tee([1], 2, { capacity: NaN }),
      new RangeError('Expected `capacity` to be an integer ≥ 1, got NaN'),
    ],
    [
      () => tee([1], 2, { signal: 'x' as never }),
      new TypeError('Expected `signal` to be an AbortSignal, got "x"'),
    ],
  ])('rejects bad arguments when called (%#)', (call, error) => {
    expect(call).toThrow(error);
  });
});

describe('tee: properties', () => {
  it('every output that reads to the end sees the whole source; lag never exceeds `capacity`', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(25),
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({
            jitter: fc.array(fc.nat(5), { minLength: 1, maxLength: 5 }),
            breakAt: fc.option(fc.nat(30), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        async (length, capacity, plans, sourceJitter) => {
          const leaks = new LeakScope();
          const source = spySource(numbers(length), { jitter: (i) => sourceJitter[i % sourceJitter.length] });
          const outputs = tee(source, plans.length, { capacity });
          const counts = plans.map(() => 0);
          const live = plans.map(() => true);
          const readOne = async (k: number): Promise<{ values: number[]; broke: boolean }> => {
            const values: number[] = [];
            const { jitter, breakAt } = plans[k];
            while (true) {
              await ticks(jitter[values.length % jitter.length]);
              if (values.length === breakAt) {
                live[k] = false;
                await outputs[k].return();
                return { values, broke: true };
              }
              const result = await outputs[k].next();
              // Counted as the read resumes: reads resume in the order the router answered them.
              if (result.done) {
                live[k] = false;
                return { values, broke: false };
              }
              values.push(result.value);
              counts[k]++;
              const slowest = Math.min(...counts.filter((_, j) => live[j]));
              expect(counts[k] - slowest).toBeLessThanOrEqual(capacity);
            }
          };
          const results = await Promise.all(plans.map((_, k) => readOne(k)));
          for (const { values, broke } of results) {
            expect(values).toEqual(numbers(broke ? values.length : length));
          }
          expect(source.log.finalized || !source.log.opened).toBe(true);
          await leaks.check();
        },
      ),
      { numRuns: 100 },
    );
  });
});
