import { describe } from '../util/validate.js';

/**
 * Yields `start`, `start + 1`, … up to `end` excluded; `end` may be `Infinity` (pair it with
 * `take`). Every `next()` resolves at once, so it never holds a pipeline up.
 *
 * @example
 * pipe(range(0, 5), map((n) => n * n)); // 0, 1, 4, 9, 16
 */
export function range(start: number, end: number): AsyncIterable<number> {
  if (typeof start !== 'number' || !Number.isFinite(start)) {
    throw new TypeError(`Expected \`start\` to be a finite number, got ${describe(start)}`);
  }
  if (typeof end !== 'number' || Number.isNaN(end)) {
    throw new TypeError(`Expected \`end\` to be a number or Infinity, got ${describe(end)}`);
  }
  return {
    [Symbol.asyncIterator]() {
      let next = start;
      return {
        next: () =>
          Promise.resolve(
            next < end ? { done: false as const, value: next++ } : { done: true as const, value: undefined },
          ),
        return: () => {
          next = end;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}
