import { collect, map, pipe, range, takeWhile } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'takeWhile',
  {
    build: (fn) =>
      takeWhile((value: number, context) => {
        const out = fn(value, context);
        return out instanceof Promise ? out.then((v) => (v as number) < 5) : (out as number) < 5;
      }),
    expected: (input) => input.filter((n) => n < 5),
    hasCallback: true,
  },
  scope,
);

describe('takeWhile', () => {
  it('yields while fn is truthy, then returns the source and ends normally', async () => {
    const source = spySource([1, 2, 3, 9, 1]);
    await expect(
      collect(
        pipe(
          source,
          takeWhile(async (n: number) => n < 3),
        ),
      ),
    ).resolves.toEqual([1, 2]);
    expect(source.log.pulls).toBe(3);
    expect(source.log.returned).toBe(true);
    expect(source.log.finalized).toBe(true);
  });

  it('makes an endless source finite', async () => {
    await expect(
      collect(
        pipe(
          range(0, Infinity),
          takeWhile((n: number) => n < 3),
        ),
      ),
    ).resolves.toEqual([0, 1, 2]);
  });

  it('narrows with a type guard', async () => {
    const out: string[] = await collect(
      pipe(
        ['a', 'b', 1, 'c'] as (string | number)[],
        takeWhile((x): x is string => typeof x === 'string'),
        map((s) => s.toUpperCase()),
      ),
    );
    expect(out).toEqual(['A', 'B']);
  });

  it('throws a TypeError naming the argument when fn is not a function', () => {
    expect(() => takeWhile('x' as never)).toThrow(new TypeError('Expected `fn` to be a function, got "x"'));
  });
});
