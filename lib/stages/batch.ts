import { Puller } from './puller.js';
import { implStage } from '../core/define-stage.js';
import { release, track, type Resource } from '../util/registry.js';
import { assertCount, assertDuration, assertOptions } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** Options of `batch`. */
export interface BatchOptions {
  /**
   * Milliseconds a short, non-empty batch may wait for more items, counted from its first item;
   * then it is yielded as it is. @default undefined (wait until `size` items or the end)
   */
  maxWait?: number | undefined;
}

/**
 * Yields arrays of `size` items, in order; the last one may be shorter. Reads one item at a time,
 * only while the consumer waits for a batch, so at most one item beyond the batch being filled.
 * With `maxWait`, a batch is yielded early once `maxWait` ms have passed since its first item;
 * a pull still pending then is kept for the next batch, never repeated.
 *
 * End: the partial batch, then the end. Error: the partial batch, then the error. Abort: the
 * pending `next()` rejects with `signal.reason` at once; the partial batch is dropped. `break`:
 * the partial batch is dropped and the source returned. The `maxWait` timer is cleared on every
 * path and never outlives the stage.
 *
 * @example
 * pipe(events, batch(100, { maxWait: 50 }), map((rows) => db.insert(rows)), { signal });
 */
export function batch<T>(size: number, options: BatchOptions = {}): Stage<T, T[]> {
  assertCount('size', size, 1);
  assertOptions('options', options);
  const { maxWait } = options;
  if (maxWait !== undefined) assertDuration('maxWait', maxWait);
  return implStage((source, { signal }) => run(source as AsyncIterable<T>, signal, size, maxWait));
}

async function* run<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  size: number,
  maxWait: number | undefined,
): AsyncGenerator<T[]> {
  const input = new Puller(source, signal, 'batch');
  let items: T[] = [];
  let expired = false;
  let timer: { handle: ReturnType<typeof setTimeout>; resource: Resource } | undefined;

  const clearTimer = (): void => {
    if (!timer) return;
    clearTimeout(timer.handle);
    release(timer.resource);
    timer = undefined;
  };
  const startTimer = (wait: number): void => {
    const resource = track('timer', `batch maxWait(${wait})`);
    const handle = setTimeout(() => {
      release(resource);
      timer = undefined;
      expired = true;
      input.notify();
    }, wait);
    timer = { handle, resource };
  };
  const onValue = (value: T): void => {
    if (items.push(value) === 1 && maxWait !== undefined) startTimer(maxWait);
  };

  try {
    while (true) {
      if (signal.aborted) throw signal.reason;
      if (items.length >= size || (items.length > 0 && (expired || input.ended))) {
        const full = items;
        items = [];
        clearTimer();
        expired = false;
        yield full;
        continue;
      }
      if (input.failure) throw input.failure.error;
      if (input.ended) return;
      // A pull still pending at a maxWait flush is kept for the next batch, never doubled.
      input.pull(onValue);
      await input.changed();
    }
  } finally {
    clearTimer();
    await input.close();
  }
}
