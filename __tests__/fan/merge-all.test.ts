import { collect, map, mergeAll, pipe } from '../../lib/index.js';
import type { CallbackContext, Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();

function viaMergeAll(fn: (value: number, context: CallbackContext) => unknown): Stage<number, unknown> {
  return (source, context) =>
    pipe(
      source,
      map(async (value, c) => [await fn(value, c)]),
      mergeAll({ concurrency: 1 }),
      context,
    );
}

describeContract('mergeAll', { build: viaMergeAll, expected: (input) => input, hasCallback: true }, scope);

describe('mergeAll', () => {
  it('reads up to `concurrency` inner sources at once and never more', async () => {
    let open = 0;
    let peak = 0;
    async function* inner(id: number) {
      peak = Math.max(peak, ++open);
      try {
        for (let i = 0; i < 3; i++) {
          await ticks(id % 3);
          yield `${id}:${i}`;
        }
      } finally {
        open--;
      }
    }
    const out = await collect(
      pipe(
        Array.from({ length: 8 }, (_, id) => inner(id)),
        mergeAll({ concurrency: 3 }),
      ),
    );
    expect(out).toHaveLength(24);
    expect(peak).toBe(3);
    for (let id = 0; id < 8; id++) {
      expect(out.filter((v) => v.startsWith(`${id}:`))).toEqual([`${id}:0`, `${id}:1`, `${id}:2`]);
    }
  });

  it('returns every open inner source and the outer one on break', async () => {
    const inners = [spySource([1, 2]), spySource([3, 4])];
    const outer = spySource(inners);
    for await (const _ of pipe(outer, mergeAll({ concurrency: 2 }))) break;
    expect(outer.log.returned).toBe(true);
    expect(inners.filter((inner) => inner.log.opened).every((inner) => inner.log.returned)).toBe(true);
  });

  it.each([
    [{ concurrency: 0 }, 'Expected `concurrency` to be an integer ≥ 1 or Infinity, got 0'],
    [{ concurrency: NaN }, 'Expected `concurrency` to be an integer ≥ 1 or Infinity, got NaN'],
  ])('rejects bad options %p when built', (options, message) => {
    expect(() => mergeAll(options)).toThrow(new RangeError(message));
  });
});
