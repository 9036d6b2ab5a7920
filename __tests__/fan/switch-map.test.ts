import fc from 'fast-check';
import { collect, pipe, switchMap } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

/** An outer source whose values come only when the test sends them. */
function controlled<T>() {
  const queue: ReturnType<typeof deferred<IteratorResult<T>>>[] = [deferred()];
  let at = 0;
  const log = { returned: false };
  return {
    log,
    send(value: T) {
      queue[queue.length - 1]!.resolve({ done: false, value });
      queue.push(deferred());
    },
    end() {
      queue[queue.length - 1]!.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return {
        next: () => queue[at++]!.promise,
        return: async () => {
          log.returned = true;
          return { done: true as const, value: undefined };
        },
      };
    },
  };
}

describe('switchMap: the contract', () => {
  it('yields each inner source in order when the upstream waits for it', async () => {
    const outer = controlled<number>();
    const inners = [spySource([1, 2]), spySource([3])];
    const iterator = pipe(
      outer,
      switchMap((i: number) => inners[i]!),
    )[Symbol.asyncIterator]();
    const results: unknown[] = [];
    const first = iterator.next();
    outer.send(0);
    results.push((await first).value, (await iterator.next()).value);
    const third = iterator.next();
    outer.send(1);
    results.push((await third).value);
    const last = iterator.next();
    outer.end();
    await expect(last).resolves.toEqual({ done: true, value: undefined });
    expect(results).toEqual([1, 2, 3]);
    for (const inner of inners) expect(inner.log.finalized).toBe(true);
  });

  it('aborts the current inner source, returns it and switches on a new upstream value', async () => {
    const outer = controlled<number>();
    const signals: AbortSignal[] = [];
    const stuck = stuckSource<string>();
    const iterator = pipe(
      outer,
      switchMap((i: number, { signal, index }) => {
        signals.push(signal);
        expect(index).toBe(i);
        return i === 0 ? stuck : ['second'];
      }),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    outer.send(0);
    await ticks(10);
    outer.send(1);
    await expect(pending).resolves.toEqual({ done: false, value: 'second' });
    expect(signals[0]!.aborted).toBe(true);
    expect(stuck.log.returned).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
    outer.end();
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    stuck.release();
  });

  it('aborts a pending call on a new value and never opens its source', async () => {
    const outer = controlled<number>();
    const late = spySource(['late']);
    const gate = deferred<typeof late>();
    const signals: AbortSignal[] = [];
    const run = collect(
      pipe(
        outer,
        switchMap((i: number, { signal }) => {
          signals.push(signal);
          return i === 0 ? gate.promise : ['now'];
        }),
      ),
    );
    outer.send(0);
    await ticks(5);
    outer.send(1);
    await ticks(5);
    expect(signals[0]!.aborted).toBe(true);
    gate.resolve(late);
    outer.end();
    await expect(run).resolves.toEqual(['now']);
    expect(late.log.opened).toBe(false);
  });

  it('ends with a source error after returning the inner source', async () => {
    const error = new Error('outer failed');
    const inner = stuckSource<number>();
    const run = collect(
      pipe(
        spySource([1], { failAt: 1, error }),
        switchMap(() => inner),
      ),
    );
    await expect(run).rejects.toBe(error);
    expect(inner.log.returned).toBe(true);
    inner.release();
  });

  it.each([
    [
      'a synchronous throw',
      (error: Error) => () => {
        throw error;
      },
    ],
    ['a rejection', (error: Error) => () => Promise.reject(error)],
  ])('ends with %s in fn and returns the source', async (_kind, makeFailure) => {
    const error = new Error('fn failed');
    const source = spySource([1, 2, 3]);
    const fail = makeFailure(error);
    await expect(
      collect(
        pipe(
          source,
          switchMap((n: number) => (n === 2 ? fail() : [n])),
        ),
      ),
    ).rejects.toBe(error);
    expect(source.log.returned || source.log.finalized).toBe(true);
  });

  it('ends with an inner source error', async () => {
    const error = new Error('inner failed');
    await expect(
      collect(
        pipe(
          [1],
          switchMap(() => spySource([1], { failAt: 1, error })),
        ),
      ),
    ).rejects.toBe(error);
  });

  it('returns the upstream and the inner source when the consumer breaks', async () => {
    const source = spySource([1, 2, 3]);
    const inner = spySource([10, 11, 12]);
    for await (const _ of pipe(
      source,
      switchMap(() => inner),
    ))
      break;
    expect(source.log.returned).toBe(true);
    expect(source.log.finalized).toBe(true);
    expect(inner.log.finalized).toBe(true);
  });

  it('rejects with the same reason object on abort, aborting the inner signal, no listener left', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const inner = stuckSource<number>();
    let innerSignal: AbortSignal | undefined;
    const run = collect(
      pipe(
        stuckAfterOne(),
        switchMap((_n: number, { signal }) => {
          innerSignal = signal;
          return inner;
        }),
        { signal: controller.signal },
      ),
    );
    await ticks(10);
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(innerSignal!.aborted).toBe(true);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(
      scope()
        .leaks()
        .map((leak) => leak.kind),
    ).toContain('source');
    inner.release();
    release();
  });

  it('rejects an already-aborted signal before touching the source', async () => {
    const reason = new Error('already');
    const source = spySource([1]);
    await expect(
      collect(
        pipe(
          source,
          switchMap((n: number) => [n]),
          { signal: AbortSignal.abort(reason) },
        ),
      ),
    ).rejects.toBe(reason);
    expect(source.log.opened).toBe(false);
  });

  it('answers next() calls made before the previous one settled, in order', async () => {
    const iterator = pipe(
      [0],
      switchMap(() => spySource([1, 2, 3])),
    )[Symbol.asyncIterator]();
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    expect(results).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
      { done: true, value: undefined },
    ]);
  });

  it('answers a pending next() with done when return() is called, without waiting for it', async () => {
    const inner = stuckSource<number>();
    const iterator = pipe(
      [0],
      switchMap(() => inner),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await ticks(5);
    await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(inner.log.returned).toBe(true);
    inner.release();
  });

  it('throws at build time naming fn', () => {
    expect(() => switchMap(3 as never)).toThrow(new TypeError('Expected `fn` to be a function, got 3'));
  });
});

let release: () => void = () => {};
function stuckAfterOne(): AsyncIterable<number> {
  const stuck = stuckSource<number>();
  release = stuck.release;
  return {
    [Symbol.asyncIterator]() {
      const rest = stuck[Symbol.asyncIterator]();
      let sent = false;
      return {
        next: () =>
          sent ? rest.next() : ((sent = true), Promise.resolve({ done: false as const, value: 1 })),
        return: () => rest.return!(),
      };
    },
  };
}

describe('switchMap', () => {
  it('yields a prefix of each inner source, inners in upstream order, the last one whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(6), fc.array(fc.nat(4), { maxLength: 4 })), { minLength: 1, maxLength: 6 }),
        async (plan) => {
          const outer = spySource(
            plan.map((_, i) => i),
            { jitter: (i) => plan[i]?.[0] ?? 0 },
          );
          const out = await collect(
            pipe(
              outer,
              switchMap((i: number) =>
                spySource(
                  plan[i]![1].map((_, k) => i * 100 + k),
                  { jitter: (k) => plan[i]![1][k] ?? 0 },
                ),
              ),
            ),
          );
          const inners = out.map((v) => Math.floor(v / 100));
          expect([...inners].sort((a, b) => a - b)).toEqual(inners);
          for (const i of new Set(inners)) {
            const mine = out.filter((v) => Math.floor(v / 100) === i).map((v) => v % 100);
            expect(mine).toEqual(mine.map((_, k) => k));
          }
          const last = plan.length - 1;
          expect(out.filter((v) => Math.floor(v / 100) === last)).toEqual(
            plan[last]![1].map((_, k) => last * 100 + k),
          );
        },
      ),
    );
  });
});
