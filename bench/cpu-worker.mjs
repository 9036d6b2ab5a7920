// Worker module for bench/cpu-fan-out.ts (plain ESM, so it loads in a thread with no loader).
/* global performance */

/** Busy CPU work for `ms` milliseconds; returns how many loop turns it took. */
export function burn(ms) {
  const end = performance.now() + ms;
  let turns = 0;
  while (performance.now() < end) turns++;
  return turns;
}

/** The smallest task: echoes its input, to measure per-item overhead. */
export function echo(value) {
  return value;
}

/** Reads a buffer's length, to compare copying with transferring it. */
export function byteLength(bytes) {
  return bytes.byteLength;
}
