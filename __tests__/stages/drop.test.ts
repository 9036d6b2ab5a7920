import { collect, drop, dropWhile, map, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'drop',
  { build: () => drop(2), expected: (input) => input.slice(2), hasCallback: false },
  scope,
);

describeContract(
  'dropWhile',
  {
    // Drops while the callback's answer is below 4 (so the callback sees 3): the callback's value decides.
    build: (fn) =>
      dropWhile((value: number, context) => {
        const out = fn(value, context);
        return out instanceof Promise ? out.then((v) => (v as number) < 4) : (out as number) < 4;
      }),
    expected: (input) => input.slice(3),
    hasCallback: true,
  },
  scope,
);

describe('drop', () => {
  it('skips the first `count` values', async () => {
    await expect(collect(pipe([1, 2, 3, 4], drop(3)))).resolves.toEqual([4]);
    await expect(collect(pipe([1, 2], drop(0)))).resolves.toEqual([1, 2]);
    await expect(collect(pipe([1, 2], drop(5)))).resolves.toEqual([]);
    await expect(collect(pipe([1, 2], drop(Infinity)))).resolves.toEqual([]);
  });

  it('counts per pipeline, fused with its neighbours', async () => {
    const skip = drop<number>(1);
    const run = () =>
      collect(
        pipe(
          [1, 2, 3],
          map((n: number) => n * 10),
          skip,
          map((n: number) => n + 1),
        ),
      );
    await expect(run()).resolves.toEqual([21, 31]);
    await expect(run()).resolves.toEqual([21, 31]);
  });

  it('returns the source when the consumer breaks after the dropped items', async () => {
    const source = spySource([1, 2, 3, 4]);
    for await (const value of pipe(source, drop(2))) {
      expect(value).toBe(3);
      break;
    }
    expect(source.log.pulls).toBe(3);
    expect(source.log.finalized).toBe(true);
  });

  it.each([
    [-1, RangeError],
    [1.5, RangeError],
    ['3', TypeError],
  ])('rejects count %p with a %p naming it', (count, type) => {
    expect(() => drop(count as never)).toThrow(type);
    expect(() => drop(count as never)).toThrow('Expected `count` to be an integer ≥ 0 or Infinity');
  });
});

describe('dropWhile', () => {
  it('drops while fn is truthy, then yields the rest without calling fn again', async () => {
    const calls: number[] = [];
    const out = await collect(
      pipe(
        [1, 2, 5, 1, 2],
        dropWhile(async (n: number, { index }) => {
          calls.push(index);
          return n < 3;
        }),
      ),
    );
    expect(out).toEqual([5, 1, 2]);
    expect(calls).toEqual([0, 1, 2]);
  });

  it('throws a TypeError naming the argument when fn is not a function', () => {
    expect(() => dropWhile(null as never)).toThrow(new TypeError('Expected `fn` to be a function, got null'));
  });
});
