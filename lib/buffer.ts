import { onAbort } from './internal/abort.js';
import { returnQuietly } from './internal/iterators.js';
import { implStage } from './internal/define-stage.js';
import { release, track } from './internal/registry.js';
import { assertCount } from './internal/validate.js';
import type { Stage } from './types.js';

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
  const iterator = source[Symbol.asyncIterator]();
  const queue: T[] = [];
  const pump = track('stage', `buffer(${capacity}) pump`);
  let pulling = false;
  let ended = false; // the source ended or failed: it is not returned
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;

  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const fill = (): void => {
    if (pulling || ended || stopped || queue.length >= capacity) return;
    pulling = true;
    iterator.next().then(
      (result) => {
        pulling = false;
        if (result.done) ended = true;
        else queue.push(result.value);
        fill();
        notify();
      },
      (error) => {
        pulling = false;
        ended = true;
        failure = { error };
        notify();
      },
    );
  };
  const removeListener = onAbort(signal, notify, 'buffer');

  try {
    while (true) {
      if (signal.aborted) throw signal.reason;
      if (queue.length > 0) {
        const value = queue.shift()!;
        fill();
        yield value;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      fill();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
    removeListener();
    release(pump);
    // The input keeps the protocol: its return() does not wait for a pull still pending on it.
    if (!ended) await returnQuietly(iterator);
  }
}
