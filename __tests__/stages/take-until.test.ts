import { collect, parallelMap, pipe, takeUntil } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'takeUntil (a signal that never fires)',
  { build: () => takeUntil(new AbortController().signal), expected: (input) => input, hasCallback: false },
  scope,
);
describeContract(
  'takeUntil (a promise that never settles)',
  { build: () => takeUntil(new Promise(() => {})), expected: (input) => input, hasCallback: false },
  scope,
);

describe('takeUntil', () => {
  it('stops reading, returns the source and ends normally when the signal aborts', async () => {
    const stop = new AbortController();
    const source = spySource([1, 2, 3, 4]);
    const seen: number[] = [];
    for await (const n of pipe(source, takeUntil(stop.signal))) {
      seen.push(n);
      if (n === 2) stop.abort();
    }
    expect(seen).toEqual([1, 2]);
    expect(source.log.returned).toBe(true);
    expect(source.log.finalized).toBe(true);
    expect(abortListeners(stop.signal)).toBe(0);
  });

  it('ends a pending next() with done when a promise resolves, even with a stuck source', async () => {
    const notifier = deferred<void>();
    const source = stuckSource<number>();
    const pending = collect(pipe(source, takeUntil(notifier.promise)));
    await ticks(5);
    notifier.resolve();
    await expect(pending).resolves.toEqual([]);
    expect(source.log.returned).toBe(true);
    source.release();
  });

  it('ends before opening the source when the notifier has already fired', async () => {
    const source = spySource([1]);
    await expect(collect(pipe(source, takeUntil(AbortSignal.abort())))).resolves.toEqual([]);
    expect(source.log.opened).toBe(false);
  });

  it('fails with the reason of a notifier promise that rejects', async () => {
    const error = new Error('notifier failed');
    const notifier = deferred<void>();
    const source = stuckSource<number>();
    const run = collect(pipe(source, takeUntil(notifier.promise)));
    notifier.reject(error);
    await expect(run).rejects.toBe(error);
    source.release();
  });

  it('is the graceful drain: calls in flight finish and are delivered, the rest is not read', async () => {
    const shutdown = new AbortController();
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    const started: number[] = [];
    const source = spySource([0, 1, 2, 3, 4, 5]);
    const run = collect(
      pipe(
        source,
        takeUntil(shutdown.signal),
        parallelMap(
          (i: number, { signal }) => {
            started.push(i);
            expect(signal.aborted).toBe(false);
            return gates[i]!.promise;
          },
          { concurrency: 3 },
        ),
      ),
    );
    await ticks(20);
    expect(started).toEqual([0, 1, 2]);
    shutdown.abort();
    gates.forEach((gate, i) => gate.resolve(i * 10));
    await expect(run).resolves.toEqual([0, 10, 20]);
    expect(source.log.returned).toBe(true);
    expect(abortListeners(shutdown.signal)).toBe(0);
  });

  it('throws a TypeError naming a notifier that is neither a signal nor a promise', () => {
    expect(() => takeUntil(5 as never)).toThrow(
      new TypeError('Expected `notifier` to be an AbortSignal or a promise, got 5'),
    );
  });
});
