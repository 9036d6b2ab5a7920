import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import { runInThisContext } from 'node:vm';
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
 * index reject with `error`; each pull waits `jitter(i)` microtask ticks first. It is an async
 * generator whose `finally` awaits a few ticks before it sets `finalized`, as a source closing a
 * cursor does: `finalized` is true only once a `return()` was awaited to the end (or the source
 * ended or failed by itself), so "its finally ran by the time the loop exits" is really checked.
 */
export function spySource<T>(
  values: readonly T[],
  options: { failAt?: number; error?: unknown; jitter?: (index: number) => number } = {},
): AsyncIterable<T> & { log: SourceLog } {
  const log: SourceLog = { pulls: 0, opened: false, returned: false, finalized: false };
  async function* generate(): AsyncGenerator<T, undefined, undefined> {
    try {
      for (let at = 0; ; at++) {
        await ticks(options.jitter?.(at) ?? 0);
        if (at === options.failAt) throw options.error;
        if (at >= values.length) return undefined;
        yield values[at] as T;
      }
    } finally {
      await closing();
    }
  }
  async function closing(): Promise<void> {
    await ticks(FINALLY_TICKS);
    log.finalized = true;
  }
  return {
    log,
    [Symbol.asyncIterator]() {
      log.opened = true;
      const generator = generate();
      let started = false;
      return {
        next(): Promise<IteratorResult<T>> {
          log.pulls++;
          started = true;
          return generator.next();
        },
        async return(): Promise<IteratorResult<T>> {
          log.returned = true;
          const result = await generator.return(undefined);
          // A generator returned before its first pull skips its body; it closes all the same.
          if (!started && !log.finalized) await closing();
          return result;
        },
      };
    },
  };
}

/** Ticks the spy source's `finally` awaits before it counts as finalized. */
export const FINALLY_TICKS = 4;

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

// Captured at load so hang guards count real turns of the event loop while a test fakes timers.
const realSetImmediate = globalThis.setImmediate;

/** Resolves after `turns` real turns of the event loop (setImmediate), whatever jest fakes. */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** Thrown by `withinTurns` when what it guards has not settled in time. */
export class HangError extends Error {
  override readonly name = 'HangError';
}

/**
 * A hang guard without a clock: settles as `promise` does, or rejects with a `HangError` once
 * `count` real turns of the event loop have passed without it settling. Work driven by microtasks
 * (every sluice pipeline over in-memory sources) settles within a turn or two, so a hang fails
 * fast and a loaded machine cannot make it flaky.
 */
export async function withinTurns<T>(promise: Promise<T>, count = 200, what = 'the operation'): Promise<T> {
  let settled = false;
  const guard = (async () => {
    for (let i = 0; i < count && !settled; i++) await turns(1);
    if (!settled) throw new HangError(`${what} did not settle within ${count} turns of the event loop`);
  })();
  try {
    return await Promise.race([promise, guard.then(() => promise)]);
  } finally {
    settled = true;
  }
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

/**
 * Records the warnings the process emits (`MaxListenersExceededWarning`…) until `stop()`, which
 * first lets the event loop turn so warnings emitted on the next tick are in, as `name: message`. Node emits them on
 * the real `process`, which jest's sandbox does not forward to its own `process`.
 */
export function captureWarnings(): { stop(): Promise<string[]> } {
  const realProcess = runInThisContext('process') as NodeJS.Process;
  const warnings: string[] = [];
  // As `name: message` strings: the warnings are errors of another realm, which jest cannot diff.
  const record = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
  realProcess.on('warning', record);
  return {
    async stop() {
      await turns(2);
      realProcess.off('warning', record);
      return warnings;
    },
  };
}

/** What `fn` threw or rejected with, whichever way it fails; `undefined` if it did not. */
export async function failureOf(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Collects what is published on the diagnostics channel `name` until `stop()`. */
export function listen(name: string): { messages: any[]; stop: () => void } {
  const messages: any[] = [];
  const onMessage = (message: unknown): void => void messages.push(message);
  subscribe(name, onMessage);
  return { messages, stop: () => void unsubscribe(name, onMessage) };
}
