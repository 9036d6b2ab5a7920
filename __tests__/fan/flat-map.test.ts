import fc from 'fast-check';
import { collect, flatMap, pipe } from '../../lib/index.js';
import type { CallbackContext } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { deferred, spySource } from '../helpers.js';

const scope = useLeakCheck();

/** The contract's callback, its value turned into a one-item source. */
const single =
  (fn: (value: number, context: CallbackContext) => unknown) =>
  (value: number, context: CallbackContext): unknown => {
    const out = fn(value, context);
    return out instanceof Promise ? out.then((v) => [v]) : [out];
  };

describeContract(
  'flatMap',
  { build: (fn) => flatMap(single(fn) as never), expected: (input) => input, hasCallback: true },
  scope,
);
describeContract(
  'flatMap (concurrency 3)',
  {
    build: (fn) => flatMap(single(fn) as never, { concurrency: 3 }),
    expected: (input) => input,
    hasCallback: true,
  },
  scope,
);

describe('flatMap', () => {
  it('keeps order with concurrency 1, each inner source read after the previous one', async () => {
    const inners = [spySource([1, 2], { jitter: () => 3 }), spySource([3]), spySource([4, 5])];
    const out = await collect(
      pipe(
        [0, 1, 2],
        flatMap((i: number) => inners[i]!),
      ),
    );
    expect(out).toEqual([1, 2, 3, 4, 5]);
    for (const inner of inners) expect(inner.log.finalized).toBe(true);
  });

  it('awaits a promise of a source and passes the index and a signal', async () => {
    const seen: number[] = [];
    const out = await collect(
      pipe(
        ['a', 'b'],
        flatMap(async (s: string, { index, signal }) => {
          seen.push(index);
          expect(signal.aborted).toBe(false);
          return [s, s];
        }),
      ),
    );
    expect(out).toEqual(['a', 'a', 'b', 'b']);
    expect(seen).toEqual([0, 1]);
  });

  it('reads up to `concurrency` inner sources at once', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    let open = 0;
    let peak = 0;
    async function* inner(i: number) {
      open++;
      peak = Math.max(peak, open);
      await gates[i]!.promise;
      open--;
      yield i;
    }
    const run = collect(
      pipe(
        [0, 1, 2],
        flatMap((i: number) => inner(i), { concurrency: 2 }),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(peak).toBe(2);
    gates[1]!.resolve();
    gates[0]!.resolve();
    gates[2]!.resolve();
    await expect(run).resolves.toEqual(expect.arrayContaining([0, 1, 2]));
    expect(peak).toBe(2);
  });

  it('fails with an inner source error after returning the outer source', async () => {
    const error = new Error('inner failed');
    const outer = spySource([1, 2, 3]);
    const run = collect(
      pipe(
        outer,
        flatMap((n: number) => (n === 2 ? spySource([n], { failAt: 0, error }) : [n])),
      ),
    );
    await expect(run).rejects.toBe(error);
    expect(outer.log.returned).toBe(true);
  });

  it('loses and duplicates nothing, each inner order kept, at any concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(4), { maxLength: 5 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (jitters, concurrency) => {
          const out = await collect(
            pipe(
              jitters.map((_, i) => i),
              flatMap(
                (i: number) =>
                  spySource(
                    jitters[i]!.map((_, k) => i * 100 + k),
                    { jitter: (k) => jitters[i]![k] ?? 0 },
                  ),
                { concurrency },
              ),
            ),
          );
          const expected = jitters.flatMap((jitter, i) => jitter.map((_, k) => i * 100 + k));
          expect([...out].sort((a, b) => a - b)).toEqual(expected);
          for (let i = 0; i < jitters.length; i++) {
            const mine = out.filter((v) => Math.floor(v / 100) === i);
            expect(mine).toEqual(expected.filter((v) => Math.floor(v / 100) === i));
          }
          if (concurrency === 1) expect(out).toEqual(expected);
        },
      ),
    );
  });

  it('throws at build time naming a bad argument', () => {
    expect(() => flatMap(1 as never)).toThrow(new TypeError('Expected `fn` to be a function, got 1'));
    expect(() => flatMap(() => [], { concurrency: 0 })).toThrow(
      new RangeError('Expected `concurrency` to be an integer ≥ 1 or Infinity, got 0'),
    );
  });
});
