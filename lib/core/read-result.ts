import { describe } from '../util/validate.js';

/** What a source's `[Symbol.asyncIterator]()` returned, if it is an iterator; else a `TypeError`. */
export function checkedIterator<T>(iterator: AsyncIterator<T>): AsyncIterator<T> {
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function'))
    throw new TypeError(
      `Expected the source's [Symbol.asyncIterator]() to return an iterator, got ${describe(iterator)}`,
    );
  return iterator;
}

/** What `readResult` answers for a result that ends the iteration. */
export const RESULT_DONE: unique symbol = Symbol('sluice.resultDone');

/**
 * Reads a foreign source's `next()` result as `for await` does: it must be an object, and `done`
 * is read once (then `value` only if not done). Throws a `TypeError` for anything else, a throwing
 * getter's error as its `cause`.
 */
export function readResult<T>(result: IteratorResult<T>): T | typeof RESULT_DONE {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function'))
    throw new TypeError(`Expected the source's next() to give an object, got ${describe(result)}`);
  try {
    return result.done ? RESULT_DONE : result.value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TypeError(`Reading the source's next() result threw: ${message}`, { cause: error });
  }
}
