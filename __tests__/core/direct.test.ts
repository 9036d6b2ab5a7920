import { batch, collect, concat, forEach, map, merge, parallelMap, pipe, zip } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, spySource, ticks } from '../helpers.js';

useLeakCheck();

// A pipeline whose last step is an engine (merge, parallelMap, batch…) with nothing fused after it
// serves the reader from the engine's own outlet: these pin down what the skipped segment did.
describe('an engine at the end of a pipeline', () => {
  it('merges sources that are all ready at once, read by a sink or by for await', async () => {
    await expect(collect(merge([1, 2], new Set([3]), [4]))).resolves.toEqual(
      expect.arrayContaining([1, 2, 3, 4]),
    );
    const seen: number[] = [];
    for await (const n of merge([1], [2, 3])) seen.push(n);
    expect(seen.sort()).toEqual([1, 2, 3]);
    await expect(collect(concat([1], [2]))).resolves.toEqual([1, 2]);
    await expect(collect(zip([1, 2], ['a', 'b']))).resolves.toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('listens to the user signal once, and not before it is read', async () => {
    const controller = new AbortController();
    const gate = deferred<void>();
    const pipeline = pipe(
      spySource([1, 2, 3]),
      map((n: number) => n),
      parallelMap(async (n: number) => (await gate.promise, n), { concurrency: 2 }),
      { signal: controller.signal },
    );
    const iterator = pipeline[Symbol.asyncIterator]();
    expect(abortListeners(controller.signal)).toBe(0);
    const first = iterator.next();
    await ticks(5);
    expect(abortListeners(controller.signal)).toBe(1);
    gate.resolve();
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    await iterator.return!();
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('stops every stage before it when the user aborts, with the reason', async () => {
    const controller = new AbortController();
    const source = spySource([1, 2, 3, 4, 5, 6]);
    const reason = new Error('stop now');
    const run = forEach(pipe(source, batch(2), { signal: controller.signal }), () =>
      controller.abort(reason),
    );
    await expect(run).rejects.toBe(reason);
    expect(source.log.finalized).toBe(true);
  });

  it('stops the stages before it on break, with no signal given', async () => {
    const source = spySource([1, 2, 3, 4]);
    for await (const n of pipe(
      source,
      parallelMap(async (v: number) => v * 10, { concurrency: 2 }),
    )) {
      expect(n).toBe(10);
      break;
    }
    expect(source.log.finalized).toBe(true);
  });
});
