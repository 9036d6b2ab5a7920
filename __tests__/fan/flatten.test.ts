import { collect, flatten, map, pipe } from '../../lib/index.js';
import type { CallbackContext, Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource } from '../helpers.js';

const scope = useLeakCheck();

/** Each value becomes a one-value inner source, so flatten's output equals its input. */
function viaFlatten(fn: (value: number, context: CallbackContext) => unknown): Stage<number, unknown> {
  return (source, context) =>
    pipe(
      source,
      map(async (value, c) => [await fn(value, c)]),
      flatten(),
      context,
    );
}

describeContract('flatten', { build: viaFlatten, expected: (input) => input, hasCallback: true }, scope);

describe('flatten', () => {
  it('reads inner sources one after another, in order', async () => {
    const out = await collect(
      pipe([spySource([1, 2], { jitter: () => 3 }), [3], new Set([4, 5])], flatten()),
    );
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads the next inner source only once the current one has ended', async () => {
    const first = spySource([1, 2]);
    const outer = spySource([first, spySource([3])]);
    const iterator = pipe(outer, flatten())[Symbol.asyncIterator]();
    await iterator.next();
    expect(outer.log.pulls).toBe(1);
    await iterator.return!();
    expect(first.log.returned).toBe(true);
    expect(outer.log.returned).toBe(true);
  });

  it('ends with an inner source error and returns the outer source', async () => {
    const error = new Error('inner failed');
    const outer = spySource([spySource([1], { failAt: 1, error }), [2]]);
    await expect(collect(pipe(outer, flatten()))).rejects.toBe(error);
    expect(outer.log.returned).toBe(true);
  });

  it('fails with a TypeError naming an inner value that is not a source', async () => {
    await expect(collect(pipe([[1], 7 as never], flatten()))).rejects.toThrow('got 7');
  });
});
