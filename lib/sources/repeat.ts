/**
 * Cycles through `values` forever (the book's `repeat`); pair it with `take`.
 *
 * @throws RangeError when called with no value: an endless stream of nothing would hang a reader.
 * @example
 * pipe(repeat(1, 2), take(5)); // 1, 2, 1, 2, 1
 */
export function repeat<T>(...values: T[]): AsyncIterable<T> {
  if (values.length === 0) throw new RangeError('Expected `repeat` to be given at least one value, got none');
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      let ended = false;
      return {
        next: () => {
          if (ended) return Promise.resolve({ done: true as const, value: undefined });
          const value = values[index];
          index = (index + 1) % values.length;
          return Promise.resolve({ done: false as const, value });
        },
        return: () => {
          ended = true;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}
