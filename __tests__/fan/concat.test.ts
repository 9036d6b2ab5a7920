import { collect, concat } from '../../lib/index.js';
import type { Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { describeSourceContract } from '../sources/source-contract.js';
import { spySource, stuckSource } from '../helpers.js';

const scope = useLeakCheck();

const thenMore: Stage<number, number> = (source) => concat(source, [7, 8]);
describeContract(
  'concat (the upstream first)',
  { build: () => thenMore, expected: (input) => [...input, 7, 8], hasCallback: false },
  scope,
);

describeSourceContract(
  'concat(...)',
  {
    make: () => {
      const first = spySource([0, 1, 2]);
      return { source: concat(first, [3, 4]), touched: () => first.log.opened, inner: first.log };
    },
    first: [0, 1, 2],
    all: [0, 1, 2, 3, 4],
    pending: () => {
      const stuck = stuckSource<number>();
      return { source: concat(stuck, [1]), touched: () => stuck.log.opened, dispose: stuck.release };
    },
  },
  scope,
);

describe('concat', () => {
  it('yields each source in turn, opening each only when the previous one ended', async () => {
    const first = spySource([1, 2]);
    const second = spySource([3]);
    const iterator = concat(first, second, new Set([4]))[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    expect(second.log.opened).toBe(false);
    await expect(collect({ [Symbol.asyncIterator]: () => iterator })).resolves.toEqual([2, 3, 4]);
    expect(first.log.finalized && second.log.finalized).toBe(true);
  });

  it('ends at once with no source, and with a source error', async () => {
    await expect(collect(concat())).resolves.toEqual([]);
    const error = new Error('second failed');
    const never = spySource([9]);
    await expect(collect(concat([1], spySource([2], { failAt: 1, error }), never))).rejects.toBe(error);
    expect(never.log.opened).toBe(false);
  });

  it('returns the open source on break and never opens the later ones', async () => {
    const first = spySource([1, 2]);
    const later = spySource([3]);
    for await (const _ of concat(first, later)) break;
    expect(first.log.finalized).toBe(true);
    expect(later.log.opened).toBe(false);
  });

  it('throws a TypeError naming a value that is not a source', () => {
    expect(() => concat([1], 42 as never)).toThrow(TypeError);
  });
});
