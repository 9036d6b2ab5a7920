import { pipe, reduce } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, spySource } from '../helpers.js';

useLeakCheck();

describe('reduce', () => {
  it('resolves the final accumulator, awaiting each call in order', async () => {
    const seen: number[] = [];
    const total = await reduce(
      [1, 2, 3],
      async (acc: number, n: number, { index }) => {
        seen.push(index);
        return acc + n;
      },
      10,
    );
    expect(total).toBe(16);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('resolves the seed for an empty source', async () => {
    await expect(reduce([], (acc: string) => acc, 'seed')).resolves.toBe('seed');
  });

  it('rejects with a source error after returning nothing more', async () => {
    const error = new Error('source failed');
    const source = spySource([1, 2, 3], { failAt: 1, error });
    await expect(reduce(source, (acc: number, n: number) => acc + n, 0)).rejects.toBe(error);
    expect(source.log.finalized).toBe(true);
  });

  it.each([
    [
      'a throw',
      (error: Error) => () => {
        throw error;
      },
    ],
    ['a rejection', (error: Error) => () => Promise.reject(error)],
  ])('rejects with %s in fn and returns the source', async (_kind, makeFailure) => {
    const error = new Error('fn failed');
    const source = spySource([1, 2, 3]);
    const fail = makeFailure(error);
    await expect(reduce(source, (acc: number, n: number) => (n === 2 ? fail() : acc + n), 0)).rejects.toBe(
      error,
    );
    expect(source.log.returned).toBe(true);
  });

  it('rejects with the same reason on abort, aborting the call in flight, no listener left', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const started = deferred<AbortSignal>();
    const run = reduce(
      pipe(spySource([1, 2])),
      (_acc: number, _n: number, { signal }) => {
        started.resolve(signal);
        return new Promise<number>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
      0,
      { signal: controller.signal },
    );
    const signal = await started.promise;
    controller.abort(reason);
    expect(signal.aborted).toBe(true);
    await expect(run).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('rejects an already-aborted signal before touching the source', async () => {
    const reason = new Error('already');
    const source = spySource([1]);
    await expect(reduce(source, (a: number) => a, 0, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(source.log.opened).toBe(false);
  });

  it('rejects bad arguments naming them', async () => {
    await expect(reduce([1], 3 as never, 0)).rejects.toThrow(
      new TypeError('Expected `fn` to be a function, got 3'),
    );
    await expect(reduce([1], (a: number) => a, 0, 5 as never)).rejects.toThrow('`options`');
  });
});
