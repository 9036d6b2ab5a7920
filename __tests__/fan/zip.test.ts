import fc from 'fast-check';
import { collect, map, pipe, range, zip } from '../../lib/index.js';
import type { Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { describeSourceContract } from '../sources/source-contract.js';
import { spySource, stuckSource } from '../helpers.js';

const scope = useLeakCheck();

const zipped: Stage<number, number> = (source) =>
  pipe(
    zip(source, range(0, Infinity)),
    map(([value]) => value),
  );
describeContract(
  'zip (the upstream beside an endless range)',
  { build: () => zipped, expected: (input) => input, hasCallback: false },
  scope,
);

describeSourceContract(
  'zip(...)',
  {
    make: () => {
      const inner = spySource([0, 1, 2, 3, 4]);
      return { source: zip(inner, range(0, 10)), touched: () => inner.log.opened, inner: inner.log };
    },
    first: [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
    all: [0, 1, 2, 3, 4].map((n) => [n, n]),
    pending: () => {
      const stuck = stuckSource<number>();
      return { source: zip(stuck, [1]), touched: () => stuck.log.opened, dispose: stuck.release };
    },
  },
  scope,
);

describe('zip', () => {
  it('yields tuples typed by position', async () => {
    const out: [string, number, boolean][] = await collect(zip(['a', 'b'], range(0, 5), [true, false]));
    expect(out).toEqual([
      ['a', 0, true],
      ['b', 1, false],
    ]);
  });

  it('ends when the first source ends and returns the others', async () => {
    const long = spySource([1, 2, 3, 4, 5]);
    const short = spySource(['x']);
    await expect(collect(zip(long, short))).resolves.toEqual([[1, 'x']]);
    expect(long.log.returned).toBe(true);
    expect(long.log.finalized).toBe(true);
    expect(long.log.pulls).toBe(2);
  });

  it('reads at most one item ahead per source', async () => {
    const left = spySource(Array.from({ length: 100 }, (_, i) => i));
    const right = spySource(Array.from({ length: 100 }, (_, i) => -i));
    const iterator = zip(left, right)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect([left.log.pulls, right.log.pulls]).toEqual([2, 2]);
    await iterator.return!();
  });

  it('ends at once with no source, and fails with a source error', async () => {
    await expect(collect(zip())).resolves.toEqual([]);
    const error = new Error('failed');
    const other = spySource([1, 2, 3]);
    await expect(collect(zip(other, spySource([1], { failAt: 1, error })))).rejects.toBe(error);
    expect(other.log.returned).toBe(true);
  });

  it('loses, duplicates and reorders nothing, however the sources are jittered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(5), { maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        async (jitters) => {
          const sources = jitters.map((jitter, s) =>
            spySource(
              jitter.map((_, i) => s * 100 + i),
              { jitter: (i) => jitter[i] ?? 0 },
            ),
          );
          const out = await collect(zip(...sources));
          const length = Math.min(...jitters.map((j) => j.length));
          expect(out).toEqual(Array.from({ length }, (_, i) => jitters.map((_, s) => s * 100 + i)));
          for (const source of sources) expect(source.log.finalized).toBe(true);
        },
      ),
    );
  });
});
