import { ownSource } from '../core/brand.js';
import { assertFunction } from '../util/validate.js';
import { pipe } from '../core/pipe.js';
import type { CallbackContext } from '../core/types.js';

/**
 * Calls `fn({ signal, index })` forever and yields each result, awaiting a promise (the book's
 * `repeatFn`); pair it with `take`. The `signal` aborts when the reader stops, so an async `fn`
 * in flight can stop its I/O; a throw or rejection ends the stream with that error.
 *
 * @example
 * pipe(repeatFn(() => Math.random()), take(3));
 */
export function repeatFn<T>(fn: (context: CallbackContext) => T | PromiseLike<T>): AsyncIterable<Awaited<T>> {
  assertFunction('fn', fn);
  return pipe(ownSource((signal) => calls(fn, signal)));
}

async function* calls<T>(
  fn: (context: CallbackContext) => T | PromiseLike<T>,
  signal: AbortSignal,
): AsyncGenerator<Awaited<T>> {
  for (let index = 0; ; index++) {
    signal.throwIfAborted();
    yield (await fn({ signal, index })) as Awaited<T>;
  }
}
