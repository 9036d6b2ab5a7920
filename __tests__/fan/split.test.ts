import fc from 'fast-check';
import { OrphanError, split, type Branch } from '../../lib/index.js';
import { LeakScope, useLeakCheck } from '../../lib/testing/index.js';
import { describeFanOutContract } from '../fan-out-contract.js';
import { settleAll, spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describeFanOutContract('split', (source, n, options) => split(source, n, options), scope);
const numbers = (length: number): number[] => Array.from({ length }, (_, i) => i);
const DONE = { done: true, value: undefined };

describe('split', () => {
  it('gives each item to exactly one output, the one that asked first', async () => {
    const [a, b] = split(numbers(4), 2);
    const asks = [a.next(), b.next(), a.next(), b.next()];
    await expect(Promise.all(asks)).resolves.toEqual([0, 1, 2, 3].map((value) => ({ value, done: false })));
    await expect(Promise.all([a.next(), b.next()])).resolves.toEqual([DONE, DONE]);
  });

  it('routes by key with `by`, keeping order per output', async () => {
    const outputs = split(numbers(10), 3, { by: (n) => n % 3, capacity: 1 });
    const results = await Promise.all(outputs.map(settleAll));
    expect(results.map((r) => r.values)).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it('passes the item index to `by`', async () => {
    const [even, odd] = split(['a', 'b', 'c'], 2, { by: (_value, index) => index % 2 });
    const [e, o] = await Promise.all([settleAll(even), settleAll(odd)]);
    expect([e.values, o.values]).toEqual([['a', 'c'], ['b']]);
  });

  it('delivers a source error to every output still reading, after their queued items', async () => {
    const error = new Error('source failed');
    const source = spySource(numbers(6), { failAt: 4, error });
    const outputs = split(source, 2, { by: (n) => n % 2, capacity: 2 });
    const [a, b] = await Promise.all(outputs.map(settleAll));
    expect(a).toEqual({ values: [0, 2], error });
    expect(b).toEqual({ values: [1, 3], error });
    expect(source.log.finalized).toBe(true);
  });

  it('fails every output with a RangeError naming the item when `by` returns a bad key', async () => {
    const source = spySource([0, 1, 7, 2]);
    const outputs = split(source, 2, { by: (n) => (n === 7 ? 2.5 : n) });
    const results = await Promise.all(outputs.map(settleAll));
    const message = 'Expected `by` to return an integer from 0 to 1, got 2.5 for item 2 (7)';
    for (const result of results) expect(result.error).toEqual(new RangeError(message));
    expect(source.log.returned).toBe(true);
  });

  it('fails every output with the error `by` throws, and returns the source', async () => {
    const error = new Error('no key');
    const source = spySource(numbers(5));
    const outputs = split(source, 2, {
      by: (n) => {
        if (n === 3) throw error;
        return n % 2;
      },
      capacity: 4,
    });
    const results = await Promise.all(outputs.map(settleAll));
    expect(results).toEqual([
      { values: [0, 2], error },
      { values: [1], error },
    ]);
    expect(source.log.returned).toBe(true);
  });

  it('fails the outputs still reading with an OrphanError when an item is routed to a returned one', async () => {
    const source = spySource(numbers(6));
    const [even, odd] = split(source, 2, { by: (n) => n % 2 });
    await even.return();
    const result = await settleAll(odd);
    expect(result.values).toEqual([]);
    expect(result.error).toBeInstanceOf(OrphanError);
    expect(result.error).toMatchObject({ value: 0, output: 0 });
    expect(source.log.returned).toBe(true);
  });

  it('pulls only on demand when unbuffered, and at most `capacity` ahead when buffered', async () => {
    const unbuffered = spySource(numbers(100));
    const [a, b] = split(unbuffered, 2);
    await a.next();
    await ticks(30);
    expect(unbuffered.log.pulls).toBe(1);
    await Promise.all([a.return(), b.return()]);

    const buffered = spySource(numbers(100));
    const [x, y] = split(buffered, 2, { capacity: 3 });
    await x.next();
    await ticks(30);
    expect(buffered.log.pulls).toBe(1 + 3);
    await Promise.all([x.return(), y.return()]);
  });

  it('with `by`, queues at most `capacity` items per output plus the one the router is blocked on', async () => {
    const source = spySource(numbers(100));
    const outputs = split(source, 2, { by: (n) => (n < 10 ? 0 : 1), capacity: 2 });
    await ticks(30);
    expect(source.log.pulls).toBe(0); // nothing asked yet
    // Output 1 asks; items 0, 1 fill output 0's queue and item 2 blocks the router, as in Go.
    const pending = outputs[1].next();
    await ticks(30);
    expect(source.log.pulls).toBe(2 + 1);
    await Promise.all(outputs.map((output) => output.return()));
    await expect(pending).resolves.toEqual(DONE);
  });

  it('keeps order through queues of thousands of items', async () => {
    const source = spySource(numbers(6000));
    const [a, b] = split(source, 2, { capacity: 2500 });
    await a.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.log.pulls).toBe(1 + 2500);
    const [x, y] = await Promise.all([settleAll(a), settleAll(b)]);
    expect([0, ...x.values, ...y.values].sort((m, n) => m - n)).toEqual(numbers(6000));
    for (const { values } of [x, y]) expect(values).toEqual([...values].sort((m, n) => m - n));

    const keyed = spySource(numbers(6000));
    const [even, odd] = split(keyed, 2, { by: (n) => n % 2, capacity: 2500 });
    await odd.next();
    await new Promise((resolve) => setImmediate(resolve));
    const [e, o] = await Promise.all([settleAll(even), settleAll(odd)]);
    expect(e.values).toEqual(numbers(3000).map((n) => 2 * n));
    expect(o.values).toEqual(
      numbers(3000)
        .map((n) => 2 * n + 1)
        .slice(1),
    );
  });

  it.each([
    [() => split([1], 0), new RangeError('Expected `n` to be an integer ≥ 1, got 0')],
    [() => split([1], 1.5), new RangeError('Expected `n` to be an integer ≥ 1, got 1.5')],
    [() => split([1], '2' as never), new TypeError('Expected `n` to be an integer ≥ 1, got "2"')],
    [
      () => split([1], 2, { capacity: -1 }),
      new RangeError('Expected `capacity` to be an integer ≥ 0, got -1'),
    ],
    [() => split([1], 2, { by: 'x' as never }), new TypeError('Expected `by` to be a function, got "x"')],
    [
      () => split([1], 2, { signal: {} as never }),
      new TypeError('Expected `signal` to be an AbortSignal, got an object'),
    ],
    [
      () => split(42 as never, 2),
      new TypeError('Expected a source (AsyncIterable, Iterable, ReadableStream or Node Readable), got 42'),
    ],
  ])('rejects bad arguments when called (%#)', (call, error) => {
    expect(call).toThrow(error);
  });
});

/** One output read with jitter, up to an optional break; counts are taken as each read resumes. */
async function read(
  output: Branch<number>,
  jitter: number[],
  breakAt: number | undefined,
  onItem: () => void,
): Promise<{ values: number[]; end: 'done' | 'break' | 'error'; error?: unknown }> {
  const values: number[] = [];
  try {
    while (true) {
      await ticks(jitter[values.length % jitter.length]);
      if (values.length === breakAt) {
        await output.return();
        return { values, end: 'break' };
      }
      const result = await output.next();
      if (result.done) return { values, end: 'done' };
      values.push(result.value);
      onItem();
    }
  } catch (error) {
    return { values, end: 'error', error };
  }
}

const plans = fc.array(
  fc.record({
    jitter: fc.array(fc.nat(4), { minLength: 1, maxLength: 5 }),
    breakAt: fc.option(fc.nat(12), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 4 },
);

describe('split: properties', () => {
  it('first asker: outputs partition what they read; nothing is lost while one reads to the end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(30),
        fc.nat(3),
        plans,
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        async (length, capacity, outputPlans, sourceJitter) => {
          const leaks = new LeakScope();
          const source = spySource(numbers(length), { jitter: (i) => sourceJitter[i % sourceJitter.length] });
          const outputs = split(source, outputPlans.length, { capacity });
          let read$ = 0;
          const onItem = (): void => {
            read$++;
            // Pulled but unread: the shared queue, or the one item an output that left asked for.
            expect(source.log.pulls).toBeLessThanOrEqual(read$ + Math.max(capacity, 1) + 1);
          };
          const results = await Promise.all(
            outputs.map((output, k) => read(output, outputPlans[k].jitter, outputPlans[k].breakAt, onItem)),
          );
          const all = results.flatMap((r) => r.values).sort((x, y) => x - y);
          for (const r of results) expect(r.values).toEqual([...r.values].sort((x, y) => x - y));
          // Each item read once, and what was read is a prefix of the source: none skipped.
          expect(all).toEqual(numbers(all.length));
          if (results.some((r) => r.end === 'done')) expect(all).toEqual(numbers(length));
          expect(source.log.finalized || !source.log.opened).toBe(true);
          await leaks.check();
        },
      ),
      { numRuns: 80 },
    );
  });

  it('by key: each output gets its keys in order; a break fails the others only by an OrphanError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(3), { maxLength: 30 }),
        fc.nat(2),
        plans,
        async (keys, capacity, outputPlans) => {
          const leaks = new LeakScope();
          const n = outputPlans.length;
          const source = spySource(keys.map((key, i) => ({ key: key % n, i })));
          const outputs = split(source, n, { by: (item) => item.key, capacity });
          let read$ = 0;
          const onItem = (): void => {
            read$++;
            expect(source.log.pulls).toBeLessThanOrEqual(read$ + n * capacity + 2);
          };
          const results = await Promise.all(
            outputs.map((output, k) =>
              read(output as never, outputPlans[k].jitter, outputPlans[k].breakAt, onItem),
            ),
          );
          const broken = results.flatMap((r, k) => (r.end === 'break' ? [k] : []));
          results.forEach((r, k) => {
            const mine = keys.flatMap((key, i) => (key % n === k ? [{ key: k, i }] : []));
            expect(mine.slice(0, r.values.length)).toEqual(r.values);
            if (r.end === 'done') expect(r.values).toEqual(mine);
            if (r.end === 'error') {
              expect(r.error).toBeInstanceOf(OrphanError);
              expect(broken).toContain((r.error as OrphanError).output);
            }
          });
          expect(source.log.finalized || !source.log.opened).toBe(true);
          await leaks.check();
        },
      ),
      { numRuns: 80 },
    );
  });
});
