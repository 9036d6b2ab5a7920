import {
  batch,
  collect,
  concat,
  forEach,
  map,
  merge,
  parallelMap,
  pipe,
  range,
  zip,
} from '../../lib/index.js';
import { livePipelines } from '../../lib/inspect/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, listen, spySource, ticks } from '../helpers.js';

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

describe('an engine at the end of a pipeline, as a run', () => {
  it('opens on the first read and closes with how it ended: done, break, error', async () => {
    const open = listen('sluice:pipeline:open');
    const close = listen('sluice:pipeline:close');
    const stageError = listen('sluice:stage:error');
    try {
      const pipeline = pipe(
        range(0, 4),
        parallelMap(async (n: number) => n, { concurrency: 2 }),
      );
      const unread = pipeline[Symbol.asyncIterator]();
      expect(open.messages).toHaveLength(0);
      await unread.return!();
      await collect(pipeline);
      for await (const n of merge([1, 2], [3])) if (n) break;
      const boom = new Error('boom');
      await expect(
        collect(
          pipe(
            range(0, 4),
            parallelMap(async (n: number) => (n === 2 ? Promise.reject(boom) : n)),
          ),
        ),
      ).rejects.toBe(boom);
      expect(open.messages[0].stages).toEqual([
        { name: 'source', position: 0 },
        { name: 'parallelMap', position: 1 },
      ]);
      expect(open.messages[1].stages).toEqual([{ name: 'merge', position: 0 }]);
      expect(close.messages.map((m) => m.outcome)).toEqual(['done', 'break', 'error']);
      expect(stageError.messages).toEqual([
        expect.objectContaining({ name: 'parallelMap', position: 1, error: boom }),
      ]);
    } finally {
      open.stop();
      close.stop();
      stageError.stop();
    }
  });

  it('is listed while open and gone once it ends', async () => {
    const gate = deferred<void>();
    const iterator = pipe(spySource([1]), batch(2))[Symbol.asyncIterator]();
    const first = iterator.next();
    await ticks(3);
    expect(livePipelines().some((p) => p.stages.some((s) => s.name === 'batch'))).toBe(true);
    gate.resolve();
    await expect(first).resolves.toEqual({ done: false, value: [1] });
    await iterator.return!();
    expect(livePipelines().some((p) => p.stages.some((s) => s.name === 'batch'))).toBe(false);
  });
});

it('publishes no close for a pipeline returned before it was read, with or without an engine at its end', async () => {
  const close = listen('sluice:pipeline:close');
  try {
    await pipe(
      range(0, 3),
      map((n: number) => n),
    )[Symbol.asyncIterator]().return!();
    await pipe(range(0, 3), batch(2))[Symbol.asyncIterator]().return!();
    expect(close.messages).toEqual([]);
  } finally {
    close.stop();
  }
});
