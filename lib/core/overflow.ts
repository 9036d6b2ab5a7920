import type { DropPolicy, Overflow } from './types.js';
import { assertFunction, assertOneOf, assertOptions, describe } from '../util/validate.js';

/** Options of a buffer that may drop: `buffer`, `Channel`. */
export interface OverflowOptions<T> {
  /** What a full buffer does with a new value. @default 'block' */
  overflow?: Overflow | undefined;
  /** Called with each value a drop policy drops, so no drop is silent. */
  onDrop?: ((value: T) => void) | undefined;
}

const OVERFLOWS: readonly Overflow[] = ['block', 'drop-newest', 'drop-oldest'];

/** The checked `overflow` and `onDrop`; a dropping buffer needs room for at least one value. */
export function overflowOptions<T>(
  options: OverflowOptions<T> | undefined,
  capacity: number,
): { overflow: Overflow; onDrop: ((value: T) => void) | undefined } {
  assertOptions('options', options);
  const { overflow = 'block', onDrop } = options ?? {};
  assertOneOf('overflow', overflow, OVERFLOWS);
  if (onDrop !== undefined) assertFunction('onDrop', onDrop);
  if (overflow !== 'block' && capacity < 1)
    throw new RangeError(
      `Expected \`capacity\` to be an integer ≥ 1 with overflow "${overflow}", got ${describe(capacity)}`,
    );
  return { overflow, onDrop };
}

/** Puts `value` into a full `queue` by `policy` and returns the value that was dropped. */
export function dropInto<T>(queue: { push(value: T): void; shift(): T }, policy: DropPolicy, value: T): T {
  if (policy === 'drop-newest') return value;
  const oldest = queue.shift();
  queue.push(value);
  return oldest;
}
