import { catchError, collect, map, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'catchError (a handler that rethrows)',
  {
    build: () =>
      catchError((error) => {
        throw error;
      }),
    expected: (input) => input,
    hasCallback: false,
  },
  scope,
);

describe('catchError', () => {
  it('goes on with the source the handler returns when the upstream fails', async () => {
    const error = new Error('feed failed');
    const seen: unknown[] = [];
    const fallback = spySource([10, 11]);
    const out = await collect(
      pipe(
        spySource([1, 2, 3], { failAt: 2, error }),
        catchError(async (caught, { signal }) => {
          seen.push(caught, signal.aborted);
          return fallback;
        }),
      ),
    );
    expect(out).toEqual([1, 2, 10, 11]);
    expect(seen).toEqual([error, false]);
    expect(fallback.log.finalized).toBe(true);
  });

  it('ends with what the handler throws or rejects with', async () => {
    const error = new Error('handled badly');
    const failing = () => spySource([1], { failAt: 1, error: new Error('first') });
    await expect(
      collect(
        pipe(
          failing(),
          catchError(() => {
            throw error;
          }),
        ),
      ),
    ).rejects.toBe(error);
    await expect(
      collect(
        pipe(
          failing(),
          catchError(() => Promise.reject(error)),
        ),
      ),
    ).rejects.toBe(error);
    await expect(
      collect(
        pipe(
          failing(),
          catchError(() => 42 as never),
        ),
      ),
    ).rejects.toThrow(TypeError);
  });

  it('does not catch an error of the source it switched to', async () => {
    const second = new Error('second');
    const run = collect(
      pipe(
        spySource([1], { failAt: 0, error: new Error('first') }),
        catchError(() => spySource([2], { failAt: 1, error: second })),
      ),
    );
    await expect(run).rejects.toBe(second);
  });

  it('catches an error of a sluice stage upstream (a failing callback)', async () => {
    const out = await collect(
      pipe(
        [1, 2, 3],
        map((n: number) => {
          if (n === 2) throw new Error('bad');
          return n;
        }),
        catchError(() => ['recovered']),
      ),
    );
    expect(out).toEqual([1, 'recovered']);
  });

  it('does not call the handler on abort, and aborts the signal of a handler in flight', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const handler = jest.fn();
    const source = stuckSource<number>();
    const run = collect(pipe(source, catchError(handler), { signal: controller.signal }));
    await ticks(5);
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(handler).not.toHaveBeenCalled();
    expect(abortListeners(controller.signal)).toBe(0);
    source.release();

    const started = deferred<AbortSignal>();
    const again = new AbortController();
    const running = collect(
      pipe(
        spySource([1], { failAt: 0, error: new Error('x') }),
        catchError(
          (_error, { signal }) =>
            new Promise<number[]>((resolve) => {
              started.resolve(signal);
              signal.addEventListener('abort', () => resolve([]), { once: true });
            }),
        ),
        { signal: again.signal },
      ),
    );
    const signal = await started.promise;
    again.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(signal.aborted).toBe(true);
  });

  it('throws a TypeError naming handler when it is not a function', () => {
    expect(() => catchError(null as never)).toThrow(
      new TypeError('Expected `handler` to be a function, got null'),
    );
  });
});
