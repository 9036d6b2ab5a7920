import { describe } from '../util/validate.js';
import { SyncSource } from './sync-source.js';
import type { Source } from './types.js';

/**
 * Turns any source sluice accepts into an `AsyncIterable`: an async iterable (a Node `Readable`
 * is one) is returned as it is, a sync iterable and a WHATWG `ReadableStream` are adapted.
 * Ending early (`break`, abort) returns the iterator or cancels the stream.
 *
 * @throws TypeError for anything else, a string included (iterate `[...text]` if characters are meant).
 * @example
 * for await (const n of from([1, 2, 3])) console.log(n);
 */
export function from<T>(source: Source<T>): AsyncIterable<T> {
  if (source !== null && typeof source === 'object') {
    if (typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function')
      return source as AsyncIterable<T>;
    if (typeof (source as Iterable<T>)[Symbol.iterator] === 'function')
      return new SyncSource(source as Iterable<T>) as AsyncIterable<T>;
    if (typeof (source as ReadableStream<T>).getReader === 'function')
      return new StreamSource(source as ReadableStream<T>);
  }
  throw new TypeError(
    `Expected a source (AsyncIterable, Iterable, ReadableStream or Node Readable), got ${describe(source)}`,
  );
}

/** A WHATWG stream without `Symbol.asyncIterator` (another realm, a polyfill), read by a reader. */
class StreamSource<T> implements AsyncIterable<T> {
  constructor(private readonly stream: ReadableStream<T>) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const reader = this.stream.getReader();
    return {
      next: async () => {
        const { done, value } = await reader.read();
        if (done) reader.releaseLock();
        return done ? { done: true, value: undefined } : { done: false, value };
      },
      return: async () => {
        await reader.cancel();
        reader.releaseLock();
        return { done: true, value: undefined };
      },
    };
  }
}
