import { collect, map, pipe, scan } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';

const scope = useLeakCheck();

describeContract(
  'scan',
  {
    build: (fn) => scan((_acc: number, value: number, context) => fn(value, context) as number, 0),
    expected: (input) => input,
    hasCallback: true,
  },
  scope,
);

describe('scan', () => {
  it('yields each accumulated value, awaiting promises', async () => {
    const out = await collect(
      pipe(
        [1, 2, 3, 4],
        scan(async (acc: number, n: number) => acc + n, 0),
      ),
    );
    expect(out).toEqual([1, 3, 6, 10]);
  });

  it('passes the accumulator, the value and the index', async () => {
    const seen: [string, string, number][] = [];
    await collect(
      pipe(
        ['a', 'b'],
        scan((acc: string, value: string, { index }) => {
          seen.push([acc, value, index]);
          return acc + value;
        }, ''),
      ),
    );
    expect(seen).toEqual([
      ['', 'a', 0],
      ['a', 'b', 1],
    ]);
  });

  it('starts again from the seed in every pipeline built from one stage', async () => {
    const running = scan((acc: number, n: number) => acc + n, 100);
    await expect(collect(pipe([1, 2], running))).resolves.toEqual([101, 103]);
    await expect(
      collect(
        pipe(
          [1, 2],
          map((n: number) => n),
          running,
        ),
      ),
    ).resolves.toEqual([101, 103]);
  });

  it('yields nothing for an empty source', async () => {
    await expect(
      collect(
        pipe(
          [],
          scan((acc: number, n: number) => acc + n, 0),
        ),
      ),
    ).resolves.toEqual([]);
  });

  it('throws a TypeError naming the argument when fn is not a function', () => {
    expect(() => scan(1 as never, 0)).toThrow(new TypeError('Expected `fn` to be a function, got 1'));
  });
});
