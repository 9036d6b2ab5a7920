import type { Callback } from './types.js';

/**
 * The synchronous-capable stages `pipe` fuses into one loop. A fused op runs inline while its
 * callback returns a plain value and suspends the loop only when it returns a promise, so a chain
 * of synchronous `map`/`filter` callbacks costs one `await` per item, not one per stage.
 */
export const MAP = 0;
export const FILTER = 1;
export const TAP = 2;
export const TAKE = 3;
export const SCAN = 4;
export const DROP = 5;
export const TAKE_WHILE = 6;
export const DROP_WHILE = 7;

/** The operator each kind comes from, by kind: how the ledger names a fused stage. */
export const OP_NAMES = ['map', 'filter', 'tap', 'take', 'scan', 'drop', 'takeWhile', 'dropWhile'] as const;

export interface Op {
  readonly kind:
    | typeof MAP
    | typeof FILTER
    | typeof TAP
    | typeof TAKE
    | typeof SCAN
    | typeof DROP
    | typeof TAKE_WHILE
    | typeof DROP_WHILE;
  /** The user's callback (map, filter, tap, takeWhile, dropWhile; scan's takes the accumulator first). */
  readonly fn?: Callback<any, any> | ((acc: any, value: any, context: any) => unknown);
  /** How many items `take` lets through, or `drop` drops. */
  readonly count?: number;
  /** The first accumulator of `scan`. */
  readonly seed?: unknown;
}
