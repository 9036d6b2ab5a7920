import { getEventListeners } from 'node:events';
import { deferred, type Deferred } from '../lib/util/deferred.js';

export { deferred, type Deferred };

/** What a spy source saw: pulls, whether return() was called, whether its `finally` ran. */
export interface SourceLog {
  pulls: number;
  opened: boolean;
  returned: boolean;
  finalized: boolean;
}

/**
 * An async iterable over `values` that records how it was used. `failAt` makes the pull of that
 * index reject with `error`; each pull waits `jitter(i)` microtask ticks first.
 */
export function spySource<T>(
  values: readonly T[],
  options: { failAt?: number; error?: unknown; jitter?: (index: number) => number } = {},
): AsyncIterable<T> & { log: SourceLog } {
  const log: SourceLog = { pulls: 0, opened: false, returned: false, finalized: false };
  return {
    log,
    [Symbol.asyncIterator]() {
      log.opened = true;
      let index = 0;
      let done = false;
      return {
        async next(): Promise<IteratorResult<T>> {
          log.pulls++;
          const at = index++;
          await ticks(options.jitter?.(at) ?? 0);
          if (done) return { done: true, value: undefined };
          if (at === options.failAt) {
            done = true;
            log.finalized = true;
            throw options.error;
          }
          if (at >= values.length) {
            done = true;
            log.finalized = true;
            return { done: true, value: undefined };
          }
          return { done: false, value: values[at] };
        },
        async return(): Promise<IteratorResult<T>> {
          log.returned = true;
          done = true;
          log.finalized = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** A source whose next() never settles until `release()`: a source stuck in an `await`. */
export function stuckSource<T = never>(): AsyncIterable<T> & { log: SourceLog; release(): void } {
  const log: SourceLog = { pulls: 0, opened: false, returned: false, finalized: false };
  const gate = deferred<IteratorResult<T>>();
  return {
    log,
    release: () => gate.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      log.opened = true;
      return {
        next: () => {
          log.pulls++;
          return gate.promise;
        },
        return: () => {
          log.returned = true;
          return gate.promise.then(() => {
            log.finalized = true;
            return { done: true as const, value: undefined };
          });
        },
      };
    },
  };
}

/** Waits `count` microtask ticks. */
export async function ticks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve();
}

export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** Reads an async iterable to the end, or to its error. */
export async function settleAll<T>(iterable: AsyncIterable<T>): Promise<{ values: T[]; error?: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of iterable) values.push(value);
    return { values };
  } catch (error) {
    return { values, error };
  }
}

/**
 * A promise that settles after `ms` of jest's fake time: for sources that must be slow in tests
 * that call `jest.useFakeTimers()` and advance the clock. Never used on real timers.
 */
export function fakeDelay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
