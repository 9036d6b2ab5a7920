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

export interface Op {
  readonly kind: typeof MAP | typeof FILTER | typeof TAP | typeof TAKE;
  /** The user's callback (map, filter, tap). */
  readonly fn?: Callback<any, any>;
  /** How many items `take` lets through. */
  readonly count?: number;
}
