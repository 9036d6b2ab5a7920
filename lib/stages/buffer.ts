import { Puller } from './puller.js';
import { implStage } from '../core/define-stage.js';
import { release, track } from '../util/registry.js';
import { assertCount } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/**
 * Lets a fast producer run ahead of a bursty consumer, like a buffered Go channel between two
 * goroutines: a pump pulls the source while fewer than `capacity` items wait to be read (a pull in
 * flight counts as one), so the source is read at most `capacity` items ahead of demand. Order is
 * kept.
 *
 * End: the buffered items, then the end. Error: the buffered items first, then the error, as a Go
 * reader drains a channel before it sees it closed. Abort: the pending `next()` rejects with
 * `signal.reason` at once; buffered items are dropped. `break`: the pump stops, buffered items
 * are dropped and the source is returned, without waiting on a `next()` it is stuck in.
 *
 * @example
 * pipe(readLines(file), buffer(64), parallelMap(parse, { concurrency: 4 }), { signal });
 */
export function buffer<T>(capacity: number): Stage<T, T> {
  assertCount('capacity', capacity, 1);
  return implStage((source, { signal }) => run(source as AsyncIterable<T>, signal, capacity));
}

async function* run<T>(source: AsyncIterable<T>, signal: AbortSignal, capacity: number): AsyncGenerator<T> {
  const input = new Puller(source, signal, 'buffer');
  const queue: T[] = [];
  const pump = track('stage', `buffer(${capacity}) pump`);
  // A pull in flight counts as a slot: queued plus pulling never exceeds `capacity`.
  const fill = (): void => {
    if (queue.length < capacity) input.pull(onValue);
  };
  const onValue = (value: T): void => {
    queue.push(value);
    fill();
  };
  try {
    while (true) {
      if (signal.aborted) throw signal.reason;
      if (queue.length > 0) {
        const value = queue.shift()!;
        fill();
        yield value;
        continue;
      }
      if (input.failure) throw input.failure.error;
      if (input.ended) return;
      fill();
      await input.changed();
    }
  } finally {
    release(pump);
    await input.close();
  }
}
