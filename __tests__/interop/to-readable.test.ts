import { Readable } from 'node:stream';
import { pipe } from '../../lib/core/pipe.js';
import { map } from '../../lib/stages/map.js';
import { toReadable } from '../../lib/interop/to-readable.js';
import { settle, useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, spySource, stuckSource, ticks } from '../helpers.js';
import { deferred } from '../helpers.js';

useLeakCheck();

const numbers = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Waits for the stream's 'close' event. */
const closed = (stream: Readable): Promise<void> => new Promise((resolve) => stream.once('close', resolve));

describe('toReadable', () => {
  it('is an object-mode Readable that yields every item in order', async () => {
    const stream = toReadable(
      pipe(
        numbers(5),
        map((n) => n * 2),
      ),
    );
    expect(stream).toBeInstanceOf(Readable);
    expect(stream.readableObjectMode).toBe(true);
    expect(await stream.toArray()).toEqual([0, 2, 4, 6, 8]);
  });

  it('pulls the source only as the stream is read (backpressure)', async () => {
    const source = spySource(numbers(100));
    const stream = toReadable(source);
    await ticks(20);
    expect(source.log.pulls).toBeLessThanOrEqual(1);
    let read = 0;
    for await (const _ of stream) {
      read++;
      await ticks(10);
      expect(source.log.pulls - read).toBeLessThanOrEqual(2);
      if (read === 10) break;
    }
    expect(source.log.pulls).toBeLessThanOrEqual(12);
    expect(source.log.returned).toBe(true);
  });

  it('returns the source and aborts its stages when destroyed', async () => {
    const source = spySource(numbers(100));
    let stageSignal: AbortSignal | undefined;
    const started = deferred<void>();
    const stream = toReadable(
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
    expect(await new Promise((resolve) => stream.once('data', resolve))).toBe(0);
    stream.pause();
    await started.promise;
    stream.destroy();
    await closed(stream);
    expect(source.log.returned).toBe(true);
    expect(stageSignal!.aborted).toBe(true);
  });

  it('destroys without waiting on a source stuck in next()', async () => {
    const source = stuckSource<number>();
    const stream = toReadable(source);
    stream.resume();
    await settle(); // resume() starts reading on the next tick
    expect(source.log.pulls).toBe(1);
    stream.destroy();
    await closed(stream);
    expect(source.log.returned).toBe(true);
    source.release();
  });

  it('errors the stream with a source error', async () => {
    const error = new Error('source failed');
    const source = spySource(numbers(5), { failAt: 2, error });
    await expect(toReadable(source).toArray()).rejects.toBe(error);
  });

  it('errors the stream with the reason on abort, leaving no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const source = stuckSource<number>();
    const stream = toReadable(source, { signal: controller.signal });
    const done = stream.toArray();
    await ticks(5);
    controller.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    source.release();
  });

  it('errors with a TypeError on a null item, which a Node stream cannot carry', async () => {
    await expect(toReadable([1, null, 2]).toArray()).rejects.toEqual(
      new TypeError('toReadable cannot carry a null item'),
    );
  });

  it('rejects bad options when called', () => {
    expect(() => toReadable([1], { highWaterMark: 0 })).toThrow(
      new RangeError('Expected `highWaterMark` to be an integer ≥ 1, got 0'),
    );
    expect(() => toReadable([1], { signal: 'x' as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got "x"'),
    );
  });
});

describe('toReadable, with a falsy abort reason or error', () => {
  it.each([0, '', null, false])(
    'destroys the stream with an Error whose cause is the reason %p, where destroy() would not error',
    async (reason) => {
      const controller = new AbortController();
      const source = spySource(numbers(3));
      const stream = toReadable(source, { signal: controller.signal });
      stream.on('error', () => {});
      controller.abort(reason);
      await closed(stream);
      const error = stream.errored as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.cause).toBe(reason);
      expect(stream.destroyed).toBe(true);
      expect(abortListeners(controller.signal)).toBe(0);
    },
  );

  it('errors a stream read under an already-aborted signal with a falsy reason', async () => {
    const stream = toReadable(spySource(numbers(3)), { signal: AbortSignal.abort(0) });
    const error = (await stream.toArray().catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.cause).toBe(0);
  });

  it('errors the stream when the source throws a falsy value', async () => {
    const source = spySource(numbers(5), { failAt: 1, error: 0 });
    const error = (await toReadable(source)
      .toArray()
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.cause).toBe(0);
  });
});

describe('toReadable, when aborted while nobody reads', () => {
  it('destroys an idle stream with the same reason and leaves no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const stream = toReadable(spySource([1, 2, 3]), { signal: controller.signal });
    const closed = new Promise<unknown>((resolve) => stream.once('error', resolve));
    controller.abort(reason);
    await expect(closed).resolves.toBe(reason);
    expect(stream.destroyed).toBe(true);
    expect(abortListeners(controller.signal)).toBe(0);
  });
});
