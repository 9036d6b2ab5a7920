import { after } from '../tasks/after.js';
import { ownSource } from '../core/brand.js';
import { assertDuration } from '../util/validate.js';
import { pipe } from '../core/pipe.js';

/**
 * Yields 0, 1, 2, … one every `ms` milliseconds, counted from each request (Go's ticker, without
 * buffered ticks: a slow reader is not flooded when it comes back). A timer is set only while a
 * reader waits, and is cleared the moment it stops reading.
 *
 * @example
 * for await (const tick of pipe(interval(1_000), take(3), { signal })) console.log(tick);
 */
export function interval(ms: number): AsyncIterable<number> {
  assertDuration('ms', ms);
  return pipe(ownSource((signal) => ticks(ms, signal)));
}

async function* ticks(ms: number, signal: AbortSignal): AsyncGenerator<number> {
  for (let tick = 0; ; tick++) {
    await after(ms, { signal });
    yield tick;
  }
}
