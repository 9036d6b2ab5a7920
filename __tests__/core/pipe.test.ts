import { Readable } from 'node:stream';
import { from as ixFrom, toArray as ixToArray } from 'ix/asynciterable';
import { filter as ixFilter, map as ixMap, take as ixTake } from 'ix/asynciterable/operators';
import { collect, filter, map, parallelMap, pipe, range, tap } from '../../lib/index.js';
import type { Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from '../helpers.js';

useLeakCheck();

describe('pipe', () => {
  it('runs a source through stages in order', async () => {
    const out = await collect(
      pipe(
        range(0, 10),
        filter((n) => n % 2 === 0),
        map((n) => n * 10),
        map(String),
      ),
    );
    expect(out).toEqual(['0', '20', '40', '60', '80']);
  });

  it('with no stage, yields the source', async () => {
    await expect(collect(pipe([1, 2, 3]))).resolves.toEqual([1, 2, 3]);
  });

  it('runs consecutive synchronous stages fused, without an await per stage', async () => {
    // Fused stages see value n+1 only after value n has gone through every stage: one loop.
    const trace: string[] = [];
    const stages = [0, 1, 2].map((s) => tap((n: number) => void trace.push(`${s}:${n}`)));
    await collect(pipe([1, 2], stages[0], stages[1], stages[2]));
    expect(trace).toEqual(['0:1', '1:1', '2:1', '0:2', '1:2', '2:2']);
  });

  it('accepts ix operators as stages, mixed with sluice stages, and returns the source on break', async () => {
    const source = spySource(Array.from({ length: 20 }, (_, i) => i));
    const out: number[] = [];
    for await (const n of pipe(
      source,
      ixMap((n: number) => n * 2),
      filter((n) => n % 3 === 0),
      ixFilter((n: number) => n > 0),
      map((n) => n + 1),
      ixTake(10),
    )) {
      out.push(n);
      if (out.length === 3) break;
    }
    expect(out).toEqual([7, 13, 19]);
    expect(source.log.returned).toBe(true);
  });

  it('works as an ix source', async () => {
    const pipeline = pipe(
      range(0, 5),
      map((n) => n * 3),
    );
    await expect(ixToArray(ixFrom(pipeline).pipe(ixMap((n: number) => -n)))).resolves.toEqual([
      -0, -3, -6, -9, -12,
    ]);
  });

  it('stops on the signal ix passes to [Symbol.asyncIterator]', async () => {
    const controller = new AbortController();
    const reason = new Error('ix stop');
    const source = stuckSource<number>();
    const iterator = pipe(
      source,
      map((n) => n),
    )[Symbol.asyncIterator](controller.signal);
    const pending = iterator.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    source.release();
  });

  it('accepts a Node Readable and a WHATWG ReadableStream as sources', async () => {
    await expect(
      collect(
        pipe(
          Readable.from([1, 2, 3]),
          map((n: number) => n * 2),
        ),
      ),
    ).resolves.toEqual([2, 4, 6]);
    const stream = new ReadableStream<number>({
      start(controller) {
        controller.enqueue(1);
        controller.enqueue(2);
        controller.close();
      },
    });
    await expect(
      collect(
        pipe(
          stream,
          map((n) => n + 1),
        ),
      ),
    ).resolves.toEqual([2, 3]);
  });

  it('fuses a pipeline piped further into one, keeping both signals', async () => {
    const first = new AbortController();
    const second = new AbortController();
    const reason = new Error('inner signal');
    const source = stuckSource<number>();
    const inner = pipe(
      source,
      map((n) => n),
      { signal: first.signal },
    );
    const outer = pipe(
      inner,
      map((n) => n),
      { signal: second.signal },
    );
    const pending = collect(outer);
    await ticks(3);
    first.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(first.signal) + abortListeners(second.signal)).toBe(0);
    source.release();
  });

  it('adds one listener to the user signal however many stages it has, and removes it', async () => {
    const controller = new AbortController();
    const gate = deferred<void>();
    const pipeline = pipe(
      range(0, 100),
      map((n) => n),
      parallelMap(async (n) => (n === 0 ? gate.promise.then(() => n) : n), { concurrency: 8 }),
      map((n) => n),
      parallelMap((n) => n, { concurrency: 8 }),
      { signal: controller.signal },
    );
    const result = collect(pipeline);
    await ticks(20);
    expect(abortListeners(controller.signal)).toBe(1);
    gate.resolve();
    await expect(result).resolves.toHaveLength(100);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('lets a foreign stage stuck on its input end promptly on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const passThrough: Stage<number, number> = async function* (source) {
      for await (const value of source) yield value;
    };
    const source = stuckSource<number>();
    const pending = collect(
      pipe(
        source,
        passThrough,
        map((n) => n),
        { signal: controller.signal },
      ),
    );
    await ticks(5);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    source.release();
  });

  it('runs a stage called on its own as a one-stage pipeline', async () => {
    const stage = map((n: number) => n + 1);
    await expect(collect(stage([1, 2] as never, { signal: new AbortController().signal }))).resolves.toEqual([
      2, 3,
    ]);
  });

  it('throws clear errors for a bad source, stage or options when built', () => {
    expect(() => pipe(42 as never)).toThrow(
      new TypeError('Expected a source (AsyncIterable, Iterable, ReadableStream or Node Readable), got 42'),
    );
    expect(() =>
      pipe(
        [1],
        map((n) => n),
        'x' as never,
      ),
    ).toThrow(
      new TypeError('Expected the last argument of pipe to be a stage or an options object, got "x"'),
    );
    expect(() =>
      pipe(
        [1],
        5 as never,
        map((n: number) => n),
      ),
    ).toThrow(new TypeError('Expected stage 1 of pipe to be a function, got 5'));
    expect(() => pipe([1], { signal: 'no' as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got "no"'),
    );
  });

  it('fails the iteration when a foreign stage returns something that is not an AsyncIterable', () => {
    const broken = (() => 42) as unknown as Stage<number, number>;
    expect(() => pipe([1], broken)[Symbol.asyncIterator]()).toThrow(
      new TypeError('Expected stage 1 to return an AsyncIterable, got 42'),
    );
  });

  it('returns the source when a stage downstream of a fused segment throws', async () => {
    const source = spySource([1, 2, 3]);
    const error = new Error('late');
    const failing: Stage<number, number> = async function* (input) {
      for await (const value of input) {
        if (value === 2) throw error;
        yield value;
      }
    };
    await expect(
      collect(
        pipe(
          source,
          map((n) => n),
          failing,
        ),
      ),
    ).rejects.toBe(error);
    expect(source.log.returned).toBe(true);
  });

  it('rejects on abort before a setTimeout(0) set at the abort fires, even with a stuck source', async () => {
    const controller = new AbortController();
    const reason = new Error('prompt');
    const order: string[] = [];
    const source = stuckSource<number>();
    const pending = collect(
      pipe(
        source,
        map((n) => n),
        parallelMap((n) => n, { concurrency: 4 }),
        map((n) => n),
        { signal: controller.signal },
      ),
    );
    pending.catch(() => order.push('rejected'));
    await ticks(10);
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timeout')), 0));
    controller.abort(reason);
    await timer;
    await expect(pending).rejects.toBe(reason);
    expect(order).toEqual(['rejected', 'timeout']);
    source.release();
  });
});

describe('pipe, when a callback ends the pipeline itself', () => {
  it('never pulls a source again after a callback aborted the pipeline synchronously', async () => {
    const controller = new AbortController();
    const reason = new Error('from inside');
    const calls: string[] = [];
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        let returned = false;
        return {
          next: async () => {
            calls.push(`next ${i}${returned ? ' after return' : ''}`);
            return { done: false, value: i++ };
          },
          return: async () => {
            returned = true;
            calls.push('return');
            return { done: true, value: undefined };
          },
        };
      },
    };
    const stage = tap((n: number) => {
      if (n === 1) controller.abort(reason);
    });
    const iterator = pipe(source, stage, { signal: controller.signal })[Symbol.asyncIterator]();
    const results = await Promise.allSettled([
      iterator.next(),
      iterator.next(),
      iterator.next(),
      iterator.next(),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: { done: false, value: 0 } });
    expect(results.slice(1).every((r) => r.status === 'rejected' && r.reason === reason)).toBe(true);
    expect(calls.some((call) => call.includes('after return'))).toBe(false);
  });
});

describe('pipe, when a callback aborts the pipeline and is still running', () => {
  it('waits for that callback to settle before rejecting (exit means stopped)', async () => {
    const controller = new AbortController();
    const reason = new Error('self');
    const log: string[] = [];
    const release = deferred<void>();
    const pending = collect(
      pipe(
        range(0, 10),
        map(async (n) => {
          if (n !== 2) return n;
          controller.abort(reason);
          await release.promise;
          log.push('callback settled');
          return n;
        }),
        { signal: controller.signal },
      ),
    ).catch((error: unknown) => log.push(error === reason ? 'rejected with the reason' : 'wrong error'));
    await ticks(20);
    expect(log).toEqual([]);
    release.resolve();
    await pending;
    expect(log).toEqual(['callback settled', 'rejected with the reason']);
  });
});
