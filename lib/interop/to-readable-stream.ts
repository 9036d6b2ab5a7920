import { assertOptions, assertSignal } from '../util/validate.js';
import { onAbort } from '../util/abort.js';
import { ignoreRejection } from '../util/deferred.js';
import { pipe } from '../core/pipe.js';
import type { SignalOptions, Source } from '../core/types.js';

/**
 * A WHATWG `ReadableStream` over any source, pulled on demand: with a high-water mark of 0 the
 * source is read only when a reader asks, one item per `read()`.
 *
 * End: the stream closes when the source ends. Error: a source error errors the stream with it.
 * Abort: the stream errors with `signal.reason` at once, also while nobody reads (an already-aborted
 * signal errors it before the source is touched), and the source is returned. `cancel()` (a reader's `cancel`, a `break` out
 * of its `for await`) returns the source and aborts the signal its stages were given, and
 * resolves once they have cleaned up.
 *
 * @example
 * return new Response(toReadableStream(pipe(chunks, map(encode)), { signal: request.signal }));
 */
export function toReadableStream<T>(source: Source<T>, options: SignalOptions = {}): ReadableStream<T> {
  assertOptions('options', options);
  const { signal } = options;
  assertSignal('signal', signal);
  const input = pipe(source, { signal });
  let iterator: AsyncIterator<T> | undefined;
  let cancelled = false;
  // One listener, so an idle stream errors on abort too, not only a pending read.
  let removeListener: (() => void) | undefined;
  const stopListening = (): void => {
    removeListener?.();
    removeListener = undefined;
  };
  return new ReadableStream<T>(
    {
      start(controller) {
        if (signal?.aborted) controller.error(signal.reason);
        else if (signal)
          removeListener = onAbort(
            signal,
            () => {
              removeListener = undefined;
              cancelled = true;
              controller.error(signal.reason);
              // The abort is the error the reader gets; a failing return() has nothing to add.
              ignoreRejection(iterator?.return?.());
            },
            'toReadableStream',
          );
      },
      async pull(controller) {
        iterator ??= input[Symbol.asyncIterator]();
        let result: IteratorResult<T>;
        try {
          result = await iterator.next();
        } catch (error) {
          stopListening();
          throw error;
        }
        // A pull cut short by cancel() or an abort resolves done; the stream is already over then.
        if (cancelled) return;
        if (result.done) {
          stopListening();
          controller.close();
        } else controller.enqueue(result.value);
      },
      async cancel() {
        cancelled = true;
        stopListening();
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
