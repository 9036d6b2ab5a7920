import { SyncSource } from '../core/sync-source.js';

/**
 * Cycles through `values` forever (the book's `repeat`); pair it with `take`.
 *
 * @throws RangeError when called with no value: an endless stream of nothing would hang a reader.
 * @example
 * pipe(repeat(1, 2), take(5)); // 1, 2, 1, 2, 1
 */
export function repeat<T>(...values: T[]): AsyncIterable<Awaited<T>> {
  if (values.length === 0) throw new RangeError('Expected `repeat` to be given at least one value, got none');
  // A sync source: read in runs with no promise per value, and it gives the event loop its turns.
  return new SyncSource(cycle(values));
}

function* cycle<T>(values: readonly T[]): Generator<T> {
  for (let index = 0; ; index = (index + 1) % values.length) yield values[index]!;
}
