import { collect, filter, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';

const scope = useLeakCheck();

describeContract(
  'filter',
  {
    // Keeps even values; a promise from the callback is followed, so its rejection or abort is seen.
    build: (fn) =>
      filter((value, context) => {
        const out = fn(value, context);
        return out instanceof Promise ? out.then((n) => n % 2 === 0) : (out as number) % 2 === 0;
      }),
    expected: (input) => input.filter((n) => n % 2 === 0),
    hasCallback: true,
  },
  scope,
);

describe('filter', () => {
  it('keeps the values whose predicate is truthy, in order, awaiting promises', async () => {
    const out = await collect(
      pipe(
        [1, 2, 3, 4, 5],
        filter(async (n) => n % 2 === 1),
      ),
    );
    expect(out).toEqual([1, 3, 5]);
  });

  it('narrows the type with a type guard', async () => {
    const out: string[] = await collect(
      pipe(
        ['a', 1, 'b'],
        filter((v): v is string => typeof v === 'string'),
      ),
    );
    expect(out).toEqual(['a', 'b']);
  });

  it('counts the index over every input value, kept or not', async () => {
    const indexes: number[] = [];
    await collect(
      pipe(
        [5, 6, 7],
        filter((_v, { index }) => (indexes.push(index), false)),
      ),
    );
    expect(indexes).toEqual([0, 1, 2]);
  });

  it('throws a TypeError when fn is not a function', () => {
    expect(() => filter('x' as never)).toThrow(new TypeError('Expected `fn` to be a function, got "x"'));
  });
});
