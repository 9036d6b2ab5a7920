import { Readable } from 'node:stream';
import { assertCount, assertOptions, assertSignal, describe } from '../util/validate.js';
import { onAbort } from '../util/abort.js';
import { pipe } from '../core/pipe.js';
import type { SignalOptions, Source } from '../core/types.js';

/** Options of `toReadable`. */
export interface ToReadableOptions extends SignalOptions {
  /** Items the stream buffers before it stops reading the source. @default 1 */
  highWaterMark?: number | undefined;
}

/**
 * A Node `Readable` in object mode over any source, with backpressure: each `_read` pulls one
 * item, so the source is read at most `highWaterMark` items ahead of the stream's consumer.
 *
 * End: the stream ends when the source does. Error: a source error destroys the stream with it;
 * a `null` item, which a Node stream cannot carry, destroys it with a `TypeError`. Abort: the
 * stream is destroyed with `signal.reason`. A falsy reason or error (`abort(0)`, `abort('')`,
 * `abort(null)`, `throw 0`), which `destroy()` would take for "no error" and end the stream
 * quietly, destroys it with an `Error` whose `cause` is that value. Destroying the stream (or `break` out of its
 * `for await`) returns the source and aborts the signal its stages were given.
 *
 * @example
 * await pipeline(toReadable(pipe(rows, map(toCsvLine)), { signal }), createWriteStream('out.csv'));
 */
export function toReadable<T>(source: Source<T>, options: ToReadableOptions = {}): Readable {
  assertOptions('options', options);
  const { signal, highWaterMark = 1 } = options;
  assertSignal('signal', signal);
  assertCount('highWaterMark', highWaterMark, 1);
  const input = pipe(source, { signal });
  let iterator: AsyncIterator<T> | undefined;
  let reading = false;
  // One listener, so an idle or backpressured stream is destroyed on abort too, not only a read.
  let removeListener: (() => void) | undefined;
  const stream = new Readable({
    objectMode: true,
    highWaterMark,
    read() {
      if (reading) return;
      reading = true;
      iterator ??= input[Symbol.asyncIterator]();
      iterator.next().then(
        (result) => {
          reading = false;
          if (this.destroyed) return;
          if (result.done) this.push(null);
          else if (result.value === null) this.destroy(new TypeError('toReadable cannot carry a null item'));
          else this.push(result.value);
        },
        (error: unknown) => {
          reading = false;
          this.destroy(asError(error));
        },
      );
    },
    destroy(error, callback) {
      removeListener?.();
      const opened = iterator;
      iterator = undefined;
      if (!opened) return callback(error);
      // return() does not wait on a pending next(): the pipeline stops its stages and lets go.
      opened.return!().then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
    },
  });
  if (signal?.aborted) stream.destroy(asError(signal.reason));
  else if (signal)
    removeListener = onAbort(signal, () => stream.destroy(asError(signal.reason)), 'toReadable');
  return stream;
}

/** What `destroy()` can carry: it treats a falsy error as none, and the stream would just close. */
function asError(reason: unknown): Error {
  if (reason) return reason as Error;
  return new Error(`toReadable failed with a falsy reason: ${describe(reason)}`, { cause: reason });
}
