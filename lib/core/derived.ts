import { DONE } from './brand.js';
import { from } from './from.js';
import type { Carried, Lease } from './lease.js';
import type { Source } from './types.js';

/**
 * The inner source `flatMap` or `flatten` made from a carried value, yielding its items with the
 * parent's lease: each item holds the parent, and the parent's own hold is released when the inner
 * source ends, so the message is acknowledged only once the source ended and every item is done.
 * An inner source that fails fails the lease; one abandoned (`break`, abort) releases nothing.
 */
export function derived<T>(source: Source<T>, lease: Lease): AsyncIterable<Carried<T>> {
  const input = from(source);
  return {
    [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<Carried<T>> {
      const iterator = (input as any)[Symbol.asyncIterator](signal) as AsyncIterator<T>;
      let ended = false;
      return {
        next: () =>
          Promise.resolve(iterator.next()).then(
            (result): IteratorResult<Carried<T>> => {
              if (!result.done) {
                lease.retain();
                return { done: false, value: { value: result.value, lease } };
              }
              if (!ended) lease.release();
              ended = true;
              return DONE;
            },
            (error: unknown) => {
              lease.fail();
              throw error;
            },
          ),
        return: () =>
          typeof iterator.return === 'function'
            ? Promise.resolve(iterator.return()).then(() => DONE)
            : Promise.resolve(DONE),
      };
    },
  };
}
