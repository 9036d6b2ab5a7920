import fc from 'fast-check';
import { collect, merge, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describe('merge', () => {
  it('yields every value of every source, keeping each source in order', async () => {
    const out = await collect(
      merge(spySource([1, 2, 3], { jitter: (i) => i * 2 }), spySource(['a', 'b'], { jitter: () => 1 })),
    );
    expect(out.filter((v) => typeof v === 'number')).toEqual([1, 2, 3]);
    expect(out.filter((v) => typeof v === 'string')).toEqual(['a', 'b']);
    expect(out).toHaveLength(5);
  });

  it('accepts every kind of source, and none at all', async () => {
    await expect(collect(merge())).resolves.toEqual([]);
    await expect(collect(merge([1], new Set([2])))).resolves.toEqual(expect.arrayContaining([1, 2]));
  });

  it('keeps at most one next() pending per source', async () => {
    const sources = [spySource([1, 2, 3, 4]), spySource([5, 6, 7, 8])];
    const iterator = merge(...sources)[Symbol.asyncIterator]();
    await iterator.next();
    await ticks(20);
    // One value read, one waiting per source, and nothing more.
    expect(sources[0].log.pulls + sources[1].log.pulls).toBeLessThanOrEqual(3);
    await iterator.return!();
  });

  it('is fair: an always-ready source does not starve a slow one', async () => {
    const fast = spySource(Array.from({ length: 1000 }, () => 'fast'));
    const slow = spySource(
      Array.from({ length: 10 }, () => 'slow'),
      { jitter: () => 3 },
    );
    const firstValues = (await collect(pipe(merge(fast, slow), { signal: undefined }))).slice(0, 40);
    expect(firstValues.filter((v) => v === 'slow').length).toBeGreaterThanOrEqual(5);
  });

  it('returns every source, the never-pulled ones too, when the consumer breaks', async () => {
    const sources = [spySource([1, 2]), spySource([3, 4]), spySource([5, 6])];
    for await (const _ of merge(...sources)) break;
    expect(sources.every((source) => source.log.returned && source.log.finalized)).toBe(true);
  });

  it('is not held up by a source stuck in an await when the consumer breaks', async () => {
    const stuck = stuckSource<number>();
    const live = spySource([1, 2, 3]);
    for await (const _ of merge(stuck, live)) break;
    expect(stuck.log.returned).toBe(true);
    expect(live.log.returned).toBe(true);
    expect(
      scope()
        .leaks()
        .map((leak) => leak.kind),
    ).toContain('source');
    stuck.release();
  });

  it('ends with the first source error and returns the other sources', async () => {
    const error = new Error('source failed');
    const other = spySource([1, 2, 3], { jitter: () => 5 });
    await expect(collect(merge(spySource([1], { failAt: 1, error }), other))).rejects.toBe(error);
    expect(other.log.returned).toBe(true);
  });

  it('rejects with the same reason object on abort, even with a stuck source, and leaves no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const stuck = stuckSource<number>();
    const pending = collect(merge(stuck, spySource([1])), { signal: controller.signal });
    await ticks(10);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(stuck.log.returned).toBe(true);
    stuck.release();
  });

  it('aborts the signal it gave the sources when the merge ends', async () => {
    const seen = deferred<AbortSignal>();
    const source = {
      [Symbol.asyncIterator](signal: AbortSignal) {
        seen.resolve(signal);
        return {
          next: () => Promise.resolve({ done: false as const, value: 1 }),
          return: () => Promise.resolve({ done: true as const, value: undefined }),
        };
      },
    } as unknown as AsyncIterable<number>;
    for await (const _ of merge(source)) break;
    expect((await seen.promise).aborted).toBe(true);
  });

  it('rejects an already-aborted signal before opening any source', async () => {
    const reason = new Error('already');
    const source = spySource([1]);
    await expect(collect(merge(source), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(source.log.opened).toBe(false);
  });

  it('throws a TypeError naming a bad source when built', () => {
    expect(() => merge([1], 42 as never)).toThrow(TypeError);
    expect(() => merge(null as never)).toThrow('got null');
  });

  it('loses and duplicates nothing under random jitter and a random break point', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(4), { maxLength: 8 }), { maxLength: 5 }),
        fc.option(fc.nat(20), { nil: undefined }),
        async (jitters, breakAfter) => {
          const sources = jitters.map((delays, s) =>
            spySource(
              delays.map((_, i) => `${s}:${i}`),
              { jitter: (i) => delays[i] ?? 0 },
            ),
          );
          const out: string[] = [];
          for await (const value of merge(...sources)) {
            out.push(value);
            if (out.length === breakAfter) break;
          }
          const all = jitters.flatMap((delays, s) => delays.map((_, i) => `${s}:${i}`));
          if (breakAfter === undefined || breakAfter > all.length)
            expect([...out].sort()).toEqual([...all].sort());
          expect(new Set(out).size).toBe(out.length);
          for (let s = 0; s < sources.length; s++) {
            const mine = out.filter((v) => v.startsWith(`${s}:`)).map((v) => Number(v.split(':')[1]));
            expect(mine).toEqual(mine.map((_, i) => i));
            expect(sources[s].log.finalized).toBe(true);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
