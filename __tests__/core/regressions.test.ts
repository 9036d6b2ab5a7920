/**
 * One regression test per cleanup bug that peers shipped (../shared/PEERS.md), named after it, so
 * the failure it prevents is in the test's name.
 */
import { collect, filter, map, merge, parallelMap, pipe, range, take, withSignal } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describe('regressions from peers', () => {
  it('it-merge #216 / streaming-iterables #46 / ix merge: break returns all six sources, not three', async () => {
    const sources = Array.from({ length: 6 }, (_, i) => spySource([i, i + 10, i + 20], { jitter: () => i }));
    for await (const _ of merge(...sources)) break;
    expect(sources.map((source) => source.log.returned)).toEqual([true, true, true, true, true, true]);
  });

  it('ix PR #379 / ix timeout: abort rejects a pending next() at once, without the upstream value', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const source = stuckSource<number>();
    const pending = collect(
      withSignal(
        pipe(
          source,
          map((n) => n),
        ),
        controller.signal,
      ),
    );
    await ticks(3);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    source.release();
  });

  it('a stuck source does not hang break out of a merge', async () => {
    const stuck = stuckSource<number>();
    const out: number[] = [];
    for await (const n of merge(stuck, range(0, 3))) if (out.push(n) === 2) break;
    expect(out).toEqual([0, 1]);
    expect(
      scope()
        .leaks()
        .some((leak) => leak.kind === 'source'),
    ).toBe(true);
    stuck.release();
  });

  it('ix #375: a concurrent map does not pull 1,000,000 items to emit 4', async () => {
    const source = spySource(Array.from({ length: 1_000_000 }, (_, i) => i));
    await collect(
      pipe(
        source,
        parallelMap(async (n) => n, { concurrency: 8 }),
        take(4),
      ),
    );
    expect(source.log.pulls).toBeLessThanOrEqual(4 + 8);
  });

  it('effect #7338: interrupting an ordered map with work in flight never hangs', async () => {
    const head = deferred<number>();
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const stage = parallelMap(
      (n: number, { signal }) =>
        n === 0
          ? head.promise
          : new Promise<number>((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
            ),
      { concurrency: 4 },
    );
    const pending = collect(pipe(range(0, 10), stage), { signal: controller.signal });
    await ticks(20);
    controller.abort(reason);
    head.resolve(0); // the head of the reorder window settles only after the abort
    await expect(pending).rejects.toBe(reason);
  });

  it('effect #8374: a synchronous throw in a mapper fails the stream like a rejection', async () => {
    const error = new Error('sync');
    for (const stage of [
      map(() => {
        throw error;
      }),
      parallelMap(
        () => {
          throw error;
        },
        { concurrency: 2 },
      ),
    ]) {
      await expect(collect(pipe([1, 2], stage))).rejects.toBe(error);
    }
  });

  it('node #38729: cancellation noise does not mask the real error', async () => {
    const error = new Error('the real one');
    const stage = parallelMap(
      async (n: number, { signal }) => {
        if (n === 1) throw error;
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('noise')), { once: true }),
        );
      },
      { concurrency: 3 },
    );
    await expect(collect(pipe([0, 1, 2], stage))).rejects.toBe(error);
  });

  it('node #51091 / ix timeout: no abort listener outlives its stage, after 200 items', async () => {
    const controller = new AbortController();
    await collect(
      pipe(
        range(0, 200),
        map((n) => n),
        parallelMap((n) => n, { concurrency: 16 }),
        filter(Boolean),
        { signal: controller.signal },
      ),
    );
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('a stage adds one listener to the user signal however high its concurrency (no MaxListenersExceededWarning)', async () => {
    const controller = new AbortController();
    const gate = deferred<void>();
    const pending = collect(
      pipe(
        range(0, 100),
        parallelMap(() => gate.promise, { concurrency: 100 }),
        { signal: controller.signal },
      ),
    );
    await ticks(50);
    expect(abortListeners(controller.signal)).toBe(1);
    gate.resolve();
    await pending;
  });
});
