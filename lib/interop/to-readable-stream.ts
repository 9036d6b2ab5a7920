import { assertOptions, assertSignal } from '../util/validate.js';
import { pipe } from '../core/pipe.js';
import type { SignalOptions, Source } from '../core/types.js';

/**
 * A WHATWG `ReadableStream` over any source, pulled on demand: with a high-water mark of 0 the
 * source is read only when a reader asks, one item per `read()`.
 *
 * End: the stream closes when the source ends. Error: a source error errors the stream with it.
 * Abort: the stream errors with `signal.reason`. `cancel()` (a reader's `cancel`, a `break` out
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
  return new ReadableStream<T>(
    {
      async pull(controller) {
        iterator ??= input[Symbol.asyncIterator]();
        const result = await iterator.next();
        // A pull cut short by cancel() resolves done; the stream is already closed then.
        if (cancelled) return;
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      async cancel() {
        cancelled = true;
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
