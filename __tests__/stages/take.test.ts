import { collect, map, pipe, range, take } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'take',
  { build: () => take(4), expected: (input) => input.slice(0, 4), hasCallback: false },
  scope,
);

describe('take', () => {
  it('yields the first `count` values, then returns the source', async () => {
    const source = spySource([1, 2, 3, 4, 5]);
    await expect(collect(pipe(source, take(2)))).resolves.toEqual([1, 2]);
    expect(source.log.returned).toBe(true);
  });

  it('never reads more than `count` items', async () => {
    const source = spySource(Array.from({ length: 100 }, (_, i) => i));
    await collect(
      pipe(
        source,
        map((n) => n),
        take(3),
      ),
    );
    expect(source.log.pulls).toBe(3);
  });

  it('take(0) reads nothing and opens nothing', async () => {
    const source = spySource([1]);
    await expect(collect(pipe(source, take(0)))).resolves.toEqual([]);
    expect(source.log.opened).toBe(false);
  });

  it('makes an endless source finite, and Infinity passes everything', async () => {
    await expect(collect(pipe(range(0, Infinity), take(3)))).resolves.toEqual([0, 1, 2]);
    await expect(collect(pipe(range(0, 3), take(Infinity)))).resolves.toEqual([0, 1, 2]);
  });

  it.each([
    [-1, RangeError],
    [1.5, RangeError],
    [NaN, RangeError],
    ['3', TypeError],
  ])('rejects count %p with a %p naming it', (count, type) => {
    expect(() => take(count as never)).toThrow(type);
    expect(() => take(count as never)).toThrow('Expected `count` to be an integer ≥ 0 or Infinity');
  });
});
