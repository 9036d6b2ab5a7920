/**
 * Turns of the event loop that sluice gives away. Promise chains and synchronous runs would
 * otherwise keep timers and I/O waiting for as long as a source is always ready (CONTRACT rule 5).
 */

/** Hand-overs (across every inlet) between two turns given to the event loop. */
const YIELD_EVERY = 4096;
let untilYield = YIELD_EVERY;
// Captured at load, so a test that fakes timers afterwards does not stall a pipeline.
const realSetImmediate = globalThis.setImmediate;

/**
 * Counts one hand-over; when a turn is due, schedules `waiter.resumed()` after it and returns true.
 * (The closure is made only then: a field set late, once the code is optimised, would deoptimise it.)
 */
export function timeForATurn(waiter: { resumed(): void }): boolean {
  if (--untilYield > 0) return false;
  untilYield = YIELD_EVERY;
  realSetImmediate(() => waiter.resumed());
  return true;
}

/** One real turn of the event loop. */
export function oneTurn(): Promise<undefined> {
  return new Promise((resolve) => realSetImmediate(() => resolve(undefined)));
}
