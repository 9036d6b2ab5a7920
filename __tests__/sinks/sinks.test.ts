import { collect, drain, forEach, map, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

const sinks = {
  collect: (source: AsyncIterable<number>, signal?: AbortSignal) => collect(source, { signal }),
  drain: (source: AsyncIterable<number>, signal?: AbortSignal) => drain(source, { signal }),
  forEach: (source: AsyncIterable<number>, signal?: AbortSignal) =>
    forEach(source, () => undefined, { signal }),
};

describe.each(Object.entries(sinks))('%s', (_name, sink) => {
  it('reads the source to its end', async () => {
    const source = spySource([1, 2, 3]);
    await sink(source);
    expect(source.log.pulls).toBe(4);
  });

  it('rejects with a source error', async () => {
    const error = new Error('source failed');
    await expect(sink(spySource([1, 2], { failAt: 1, error }))).rejects.toBe(error);
  });

  it('rejects with the same reason object on abort, even with a stuck source, leaving no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const source = stuckSource<number>();
    const pending = sink(source, controller.signal);
    await ticks(3);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(
      scope()
        .leaks()
        .some((leak) => leak.kind === 'source'),
    ).toBe(true);
    source.release();
  });

  it('rejects an already-aborted signal without touching the source', async () => {
    const reason = new Error('already');
    const source = spySource([1]);
    await expect(sink(source, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(source.log.pulls).toBe(0);
  });

  it('rejects bad options with a TypeError', async () => {
    await expect(sink(spySource([1]), 'nope' as never)).rejects.toThrow(TypeError);
  });
});

describe('collect', () => {
  it('resolves every value in order', async () => {
    await expect(
      collect(
        pipe(
          [1, 2, 3],
          map((n) => n * 2),
        ),
      ),
    ).resolves.toEqual([2, 4, 6]);
  });
});

describe('forEach', () => {
  it('calls fn in order with the index, awaiting each call', async () => {
    const seen: string[] = [];
    let running = 0;
    await forEach([5, 6, 7], async (n, { index }) => {
      expect(++running).toBe(1);
      await ticks(2);
      seen.push(`${index}:${n}`);
      running--;
    });
    expect(seen).toEqual(['0:5', '1:6', '2:7']);
  });

  it('rejects with a callback error, sync or async, and returns the source', async () => {
    const error = new Error('fn failed');
    for (const fn of [
      () => {
        throw error;
      },
      () => Promise.reject(error),
    ]) {
      const source = spySource([1, 2, 3]);
      await expect(forEach(source, fn)).rejects.toBe(error);
      expect(source.log.returned).toBe(true);
    }
  });

  it('aborts the signal of the call in flight on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    let callSignal: AbortSignal | undefined;
    const pending = forEach(
      [1],
      (_n, { signal }) => {
        callSignal = signal;
        return new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
      { signal: controller.signal },
    );
    await ticks(5);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(callSignal?.aborted).toBe(true);
  });

  it('rejects a non-function fn with a TypeError', async () => {
    await expect(forEach([1], 3 as never)).rejects.toThrow(
      new TypeError('Expected `fn` to be a function, got 3'),
    );
  });
});
