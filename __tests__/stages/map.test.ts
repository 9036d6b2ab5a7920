import { collect, map, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { deferred } from '../helpers.js';

const scope = useLeakCheck();

describeContract('map', { build: (fn) => map(fn), expected: (input) => input, hasCallback: true }, scope);

describe('map', () => {
  it('yields fn(value) in order, awaiting promises', async () => {
    const out = await collect(
      pipe(
        [1, 2, 3],
        map(async (n) => n * 10),
        map((n) => `#${n}`),
      ),
    );
    expect(out).toEqual(['#10', '#20', '#30']);
  });

  it('passes the index and the pipeline signal to the callback', async () => {
    const seen: [number, boolean][] = [];
    await collect(
      pipe(
        ['a', 'b', 'c'],
        map((_value, { index, signal }) => seen.push([index, signal.aborted])),
      ),
    );
    expect(seen).toEqual([
      [0, false],
      [1, false],
      [2, false],
    ]);
  });

  it('reads one item ahead of demand at most', async () => {
    let pulled = 0;
    async function* counting() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const iterator = pipe(
      counting(),
      map((n) => n),
    )[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(pulled).toBe(2);
    await iterator.return!();
  });

  it('answers next() calls made before the previous one settled, in order', async () => {
    const gates = [deferred<number>(), deferred<number>()];
    const iterator = pipe(
      [0, 1],
      map((n) => gates[n].promise),
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    const third = iterator.next();
    gates[0].resolve(10);
    gates[1].resolve(11);
    await expect(first).resolves.toEqual({ done: false, value: 10 });
    await expect(second).resolves.toEqual({ done: false, value: 11 });
    await expect(third).resolves.toEqual({ done: true, value: undefined });
  });

  it('throws a TypeError naming the argument when fn is not a function', () => {
    expect(() => map(42 as never)).toThrow(new TypeError('Expected `fn` to be a function, got 42'));
  });
});
