import { pipe } from '../../lib/core/pipe.js';
import { map } from '../../lib/stages/map.js';
import { toReadableStream } from '../../lib/interop/to-readable-stream.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, spySource, stuckSource, ticks } from '../helpers.js';
import { deferred } from '../helpers.js';

useLeakCheck();

const numbers = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe('toReadableStream', () => {
  it('yields every item in order, then closes', async () => {
    const reader = toReadableStream(
      pipe(
        numbers(4),
        map((n) => n + 1),
      ),
    ).getReader();
    const values: number[] = [];
    for (let result = await reader.read(); !result.done; result = await reader.read())
      values.push(result.value);
    expect(values).toEqual([1, 2, 3, 4]);
  });

  it('reads the source only when a reader asks', async () => {
    const source = spySource(numbers(100));
    const reader = toReadableStream(source).getReader();
    await ticks(20);
    expect(source.log.pulls).toBe(0);
    for (let i = 0; i < 5; i++) await reader.read();
    await ticks(20);
    expect(source.log.pulls).toBe(5);
    await reader.cancel();
  });

  it('returns the source and aborts its stages on cancel', async () => {
    const source = spySource(numbers(100));
    let stageSignal: AbortSignal | undefined;
    const started = deferred<void>();
    const stream = toReadableStream(
      pipe(
        source,
        // The call for 1 is still in flight when the stream goes: its signal must abort.
        map((n, { signal }) => {
          if (n !== 1) return n;
          stageSignal = signal;
          started.resolve();
          return new Promise<number>((resolve) => signal.addEventListener('abort', () => resolve(n)));
        }),
      ),
    );
    const reader = stream.getReader();
    await reader.read();
    const second = reader.read();
    await started.promise;
    await reader.cancel();
    await expect(second).resolves.toEqual({ done: true, value: undefined });
    expect(source.log.returned).toBe(true);
    expect(stageSignal!.aborted).toBe(true);
  });

  it('returns the source when the consumer breaks out of for await', async () => {
    const source = spySource(numbers(100));
    for await (const _ of toReadableStream(source) as unknown as AsyncIterable<number>) break;
    expect(source.log.returned).toBe(true);
  });

  it('cancels without waiting on a source stuck in next()', async () => {
    const source = stuckSource<number>();
    const reader = toReadableStream(source).getReader();
    const pending = reader.read();
    await ticks(5);
    await reader.cancel();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(source.log.returned).toBe(true);
    source.release();
  });

  it('errors the stream with a source error', async () => {
    const error = new Error('source failed');
    const reader = toReadableStream(spySource(numbers(5), { failAt: 1, error })).getReader();
    await reader.read();
    await expect(reader.read()).rejects.toBe(error);
  });

  it('errors the stream with the reason on abort, leaving no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const source = stuckSource<number>();
    const reader = toReadableStream(source, { signal: controller.signal }).getReader();
    const pending = reader.read();
    await ticks(5);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    source.release();
  });
});

describe('toReadableStream, when aborted while nobody reads', () => {
  it('errors an idle stream at once with the same reason, returns the source and leaves no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const source = spySource(numbers(5));
    const reader = toReadableStream(source, { signal: controller.signal }).getReader();
    await expect(reader.read()).resolves.toEqual({ done: false, value: 0 });
    controller.abort(reason);
    // Nobody reads: the stream itself reports the abort.
    await expect(reader.closed).rejects.toBe(reason);
    await ticks(10);
    expect(source.log.returned).toBe(true);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('errors at once on an already-aborted signal, without touching the source', async () => {
    const reason = new Error('already');
    const source = spySource(numbers(5));
    const reader = toReadableStream(source, { signal: AbortSignal.abort(reason) }).getReader();
    await expect(reader.closed).rejects.toBe(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(source.log.opened).toBe(false);
  });

  it('removes its listener when the source ends or errors, or the stream is cancelled', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    const ended = toReadableStream(spySource(numbers(2)), { signal }).getReader();
    while (!(await ended.read()).done);
    expect(abortListeners(signal)).toBe(0);
    const failing = toReadableStream(spySource(numbers(2), { failAt: 0, error: new Error('x') }), { signal });
    await expect(failing.getReader().read()).rejects.toThrow('x');
    expect(abortListeners(signal)).toBe(0);
    const cancelled = toReadableStream(spySource(numbers(2)), { signal }).getReader();
    await cancelled.read();
    await cancelled.cancel();
    expect(abortListeners(signal)).toBe(0);
  });
});
