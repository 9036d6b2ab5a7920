import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collect, pipe } from '../../lib/index.js';
import * as registry from '../../lib/util/registry.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { workerMap } from '../../lib/fan/worker-map.js';
import { abortListeners, spySource } from '../helpers.js';

const scope = useLeakCheck();

const fixture = (name: string): string => join(__dirname, '..', 'fixtures', name);
const liveWorkers = () =>
  scope()
    .leaks()
    .filter((leak) => leak.kind === 'worker');
const counters = () => new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);

/** Resolves once `view[index]` is no longer `value`. Not in the ES2022 lib the project builds against. */
const waitAsync = (view: Int32Array, index: number, value: number): Promise<unknown> | string =>
  (
    Atomics as unknown as {
      waitAsync(view: Int32Array, index: number, value: number): { value: Promise<unknown> | string };
    }
  ).waitAsync(view, index, value).value;

interface Burn {
  id: number;
  ms?: number;
  counters?: SharedArrayBuffer;
  rendezvous?: number;
}

describe('workerMap', () => {
  it('yields results in input order when ordered, whatever order the threads finish in', async () => {
    const input: Burn[] = [0, 1, 2, 3, 4, 5].map((id) => ({ id, ms: id % 2 === 0 ? 20 : 0 }));
    const out = await collect(
      pipe(input, workerMap<Burn, { id: number }>(fixture('burn.cjs'), { concurrency: 2 })),
    );
    expect(out.map(({ id }) => id)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('yields in completion order when unordered: a held task does not block the others', async () => {
    const gate = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const input = [{ id: 0, gate }, { id: 1 }, { id: 2 }, { id: 3 }];
    const out: number[] = [];
    for await (const id of pipe(
      input,
      workerMap<object, number>(fixture('gate.cjs'), { concurrency: 2, ordered: false }),
    )) {
      out.push(id);
      if (out.length === 3) {
        Atomics.store(new Int32Array(gate), 0, 1);
        Atomics.notify(new Int32Array(gate), 0);
      }
    }
    expect(out).toEqual([1, 2, 3, 0]);
  });

  it('loads ESM workers from file: URLs, named exports, and paths relative to the current directory', async () => {
    const url = pathToFileURL(fixture('double.mjs'));
    await expect(collect(pipe([1, 2], workerMap(url, { concurrency: 1 })))).resolves.toEqual([2, 4]);
    await expect(collect(pipe([3], workerMap(url.href, { concurrency: 1 })))).resolves.toEqual([6]);
    const named = workerMap(fixture('named.cjs'), { concurrency: 1, exportName: 'triple' });
    await expect(collect(pipe([1, 2], named))).resolves.toEqual([3, 6]);
    const fromCwd = relative(process.cwd(), fixture('double.cjs'));
    await expect(collect(pipe([5], workerMap(fromCwd, { concurrency: 1 })))).resolves.toEqual([10]);
  });

  it('fails with the source error, returns nothing live', async () => {
    const error = new Error('source broke');
    const source = spySource([1, 2, 3, 4], { failAt: 2, error });
    await expect(collect(pipe(source, workerMap(fixture('double.cjs'), { concurrency: 2 })))).rejects.toBe(
      error,
    );
    expect(source.log.finalized).toBe(true);
    expect(liveWorkers()).toEqual([]);
  });

  it("fails with the worker's error, carrying its class, message and stack", async () => {
    const source = spySource([0, 1, 2, 3, 4, 5]);
    const result = collect(pipe(source, workerMap(fixture('throws.cjs'), { concurrency: 2 })));
    // Cloned in Node's realm, so not an instance of the jest sandbox's RangeError: compare fields.
    const error = (await result.catch((caught) => caught)) as Error;
    expect(error).toMatchObject({ name: 'RangeError', message: 'worker refused 2' });
    expect(error.stack).toContain('throwsOnTwo');
    expect(error.stack).toContain('throws.cjs');
    expect(source.log.finalized).toBe(true);
    expect(liveWorkers()).toEqual([]);
  });

  it('returns the source and has stopped every thread when the consumer breaks, even one mid-task', async () => {
    // The third task burns 30 s: only killing its thread lets the loop exit within the test timeout.
    const source = spySource<Burn>([{ id: 0 }, { id: 1 }, { id: 2, ms: 30_000 }, { id: 3 }]);
    const seen: number[] = [];
    for await (const { id } of pipe(
      source,
      workerMap<Burn, { id: number }>(fixture('burn.cjs'), { concurrency: 2 }),
    )) {
      seen.push(id);
      if (id === 1) break;
    }
    expect(seen).toEqual([0, 1]);
    expect(source.log.returned).toBe(true);
    expect(liveWorkers()).toEqual([]);
  });

  it('rejects with the same reason object on abort, kills running tasks, and leaves no listener', async () => {
    const controller = new AbortController();
    const shared = counters();
    const input: Burn[] = [0, 1, 2].map((id) => ({ id, ms: 30_000, counters: shared }));
    const result = collect(
      pipe(input, workerMap(fixture('burn.cjs'), { concurrency: 2 }), { signal: controller.signal }),
    );
    result.catch(() => undefined);
    // Wait, without a timer, until a thread has started burning.
    await waitAsync(new Int32Array(shared), 2, 0);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(liveWorkers()).toEqual([]);
  });

  it('rejects at once on an already-aborted signal, touching neither the source nor a thread', async () => {
    const trackSpy = jest.spyOn(registry, 'track');
    try {
      const reason = new Error('already');
      const source = spySource([1, 2]);
      const stage = workerMap(fixture('double.cjs'), { concurrency: 2 });
      await expect(collect(pipe(source, stage, { signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
      expect(source.log.pulls).toBe(0);
      expect(trackSpy.mock.calls.filter(([kind]) => kind === 'worker')).toEqual([]);
      // The spy does see a pool that starts.
      await collect(pipe([1], stage));
      expect(trackSpy.mock.calls.filter(([kind]) => kind === 'worker').length).toBeGreaterThan(0);
    } finally {
      trackSpy.mockRestore();
    }
  });

  it('reads the source at most `concurrency` items ahead of demand', async () => {
    const source = spySource(Array.from({ length: 100 }, (_, i) => i));
    const iterator = pipe(source, workerMap(fixture('double.cjs'), { concurrency: 2 }))[
      Symbol.asyncIterator
    ]();
    // Three results in hand: the window is full again and every thread has had time to answer.
    for (let i = 0; i < 3; i++) await iterator.next();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(source.log.pulls).toBeLessThanOrEqual(3 + 2);
    await iterator.return!();
    expect(liveWorkers()).toEqual([]);
  });

  it('runs `concurrency` tasks at once, never more', async () => {
    const shared = counters();
    const input: Burn[] = Array.from({ length: 8 }, (_, id) => ({
      id,
      ms: 5,
      counters: shared,
      rendezvous: 2,
    }));
    const out = await collect(
      pipe(input, workerMap<Burn, { id: number; threadId: number }>(fixture('burn.cjs'), { concurrency: 2 })),
    );
    expect(out.map(({ id }) => id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Atomics.load(new Int32Array(shared), 1)).toBe(2);
    expect(new Set(out.map(({ threadId }) => threadId)).size).toBe(2);
  });

  it('moves buffers named by `transfer`, detaching them here, and copies the others', async () => {
    const size = 1024 * 1024;
    const moved = [new Uint8Array(size), new Uint8Array(size)];
    const stage = workerMap<Uint8Array, number>(fixture('byte-length.cjs'), {
      concurrency: 2,
      transfer: (bytes) => [bytes.buffer],
    });
    await expect(collect(pipe(moved, stage))).resolves.toEqual([size, size]);
    expect(moved.map((bytes) => bytes.byteLength)).toEqual([0, 0]);

    const copied = [new Uint8Array(size)];
    await expect(
      collect(pipe(copied, workerMap(fixture('byte-length.cjs'), { concurrency: 1 }))),
    ).resolves.toEqual([size]);
    expect(copied[0].byteLength).toBe(size);
  });

  it('fails on first use, with a TypeError naming the module, when the export is not a function', async () => {
    const path = fixture('not-a-function.cjs');
    const error = await collect(pipe([1], workerMap(path, { concurrency: 1 }))).catch((caught) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      `Expected the worker module "${path}" to have a function as a default export or \`module.exports\``,
    );
    const named = fixture('named.cjs');
    const stage = workerMap(named, { concurrency: 1, exportName: 'quadruple' });
    await expect(collect(pipe([1], stage))).rejects.toMatchObject({
      name: 'TypeError',
      message: `Expected the worker module "${named}" to have a function as the export \`quadruple\``,
    });
  });

  it.each([
    [{ concurrency: 0 }, new RangeError('Expected `concurrency` to be an integer ≥ 1, got 0')],
    [{ concurrency: Infinity }, new RangeError('Expected `concurrency` to be an integer ≥ 1, got Infinity')],
    [{ concurrency: '2' }, new TypeError('Expected `concurrency` to be an integer ≥ 1, got "2"')],
    [{ ordered: 'yes' }, new TypeError('Expected `ordered` to be a boolean, got "yes"')],
    [{ exportName: 1 }, new TypeError('Expected `exportName` to be a non-empty string, got 1')],
    [{ transfer: [] }, new TypeError('Expected `transfer` to be a function, got an array of length 0')],
  ])('rejects bad options %p when the stage is built', (options, error) => {
    expect(() => workerMap(fixture('double.cjs'), options as never)).toThrow(error);
  });

  it('rejects a worker that is not a module path or file: URL, or does not exist, when the stage is built', () => {
    expect(() => workerMap(42 as never)).toThrow(
      new TypeError('Expected `worker` to be a module path or file: URL, got 42'),
    );
    expect(() => workerMap(new URL('https://example.com/w.js'))).toThrow(
      new TypeError('Expected `worker` to be a file: URL, got "https://example.com/w.js"'),
    );
    expect(() => workerMap('no/such/worker.cjs')).toThrow(
      new TypeError(
        `Expected \`worker\` to be an existing module file, got "${join(process.cwd(), 'no/such/worker.cjs')}"`,
      ),
    );
  });
});
