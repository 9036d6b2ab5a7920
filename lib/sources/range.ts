import { Span, SyncSource } from '../core/sync-source.js';
import { assertFinite } from '../util/validate.js';

/**
 * Yields `start`, `start + 1`, … up to `end` excluded; `end` may be `Infinity` (pair it with
 * `take`). A bound that is not a number is a `TypeError`; NaN, or an infinite `start`, a
 * `RangeError`. Every `next()` resolves at once, so it never holds a pipeline up. Each
 * iteration counts from `start` again, so one `range` may be read twice.
 *
 * @example
 * pipe(range(0, 5), map((n) => n * n)); // 0, 1, 4, 9, 16
 */
export function range(start: number, end: number): AsyncIterable<number> {
  assertFinite('start', start);
  assertFinite('end', end, -Infinity, true);
  // A sync source: sluice's own stages read it in runs, with no promise (and no generator) per number.
  return new SyncSource<number>(new Span(start, end));
}
