import { onAbort } from './internal/abort.js';
import { implStage } from './internal/define-stage.js';
import { isThenable } from './internal/deferred.js';
import { release, track } from './internal/registry.js';
import { assertCount, assertDuration, assertFunction, assertOptions } from './internal/validate.js';
import { TimeoutError } from './errors.js';
import type { Callback, Stage } from './types.js';

/** Options of `parallelMap`. */
export interface ParallelMapOptions {
  /** Most callbacks running at once. @default 1 */
  concurrency?: number;
  /** Yield in input order (true) or in completion order (false). @default true */
  ordered?: boolean;
  /** Milliseconds one call may take: then its signal aborts and the stage fails with a `TimeoutError`. */
  timeout?: number;
}

/**
 * Fan-out and fan-in in one stage: runs `fn(value, { signal, index })` on up to `concurrency`
 * values at once and yields the results, in input order by default (a reorder window of at most
 * `concurrency` results) or in completion order with `ordered: false`.
 *
 * Reads the source at most `concurrency` items ahead of demand: running calls plus results
 * waiting to be read never exceed it. The first callback error (a throw, a rejection or a
 * `timeout`) aborts the other calls' signals, waits for them to settle, returns the source and
 * ends the stage with that error. Abort and `break` do the same without an error of their own.
 *
 * @example
 * pipe(urls, parallelMap((url, { signal }) => fetch(url, { signal }), { concurrency: 8 }));
 */
export function parallelMap<I, O>(
  fn: Callback<I, O>,
  options: ParallelMapOptions = {},
): Stage<I, Awaited<O>> {
  assertFunction('fn', fn);
  assertOptions('options', options);
  const { concurrency = 1, ordered = true, timeout } = options;
  assertCount('concurrency', concurrency, 1, true);
  if (typeof ordered !== 'boolean')
    throw new TypeError(`Expected \`ordered\` to be a boolean, got ${String(ordered)}`);
  if (timeout !== undefined) assertDuration('timeout', timeout);
  return implStage((source, { signal }) => run(source, signal, fn, concurrency, ordered, timeout));
}

async function* run<I, O>(
  source: AsyncIterable<I>,
  signal: AbortSignal,
  fn: Callback<I, O>,
  concurrency: number,
  ordered: boolean,
  timeout: number | undefined,
): AsyncGenerator<Awaited<O>> {
  // The calls' own done channel: aborted by the pipeline, by the first error, or when the stage ends.
  const calls = new AbortController();
  const removeListener = onAbort(signal, () => calls.abort(signal.reason), 'parallelMap');
  const iterator = source[Symbol.asyncIterator]();
  const results = new Map<number, Awaited<O>>(); // finished, not yet yielded, by input index
  const finishedOrder: number[] = []; // completion order, for ordered: false
  let running = 0;
  let pulling = false;
  let sourceDone = false;
  let started = 0;
  let nextOut = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let allSettled: (() => void) | undefined;

  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const fail = (error: unknown): void => {
    if (!failure) {
      failure = { error };
      calls.abort(error);
    }
    notify();
  };
  const settle = (index: number, value: Awaited<O>): void => {
    running--;
    if (!failure) {
      results.set(index, value);
      if (!ordered) finishedOrder.push(index);
    }
    if (running === 0) allSettled?.();
    notify();
  };
  const failCall = (error: unknown): void => {
    running--;
    if (running === 0) allSettled?.();
    fail(error);
  };
  const start = (value: I): void => {
    const index = started++;
    running++;
    const call =
      timeout === undefined
        ? invoke(fn, value, index, calls.signal)
        : invokeWithTimeout(fn, value, index, calls.signal, timeout, fail);
    call.then((out) => settle(index, out), failCall);
  };
  const pull = (): void => {
    pulling = true;
    iterator.next().then(
      (result) => {
        pulling = false;
        if (result.done) sourceDone = true;
        else if (!failure && !calls.signal.aborted) start(result.value);
        notify();
      },
      (error) => {
        pulling = false;
        sourceDone = true;
        fail(error);
      },
    );
  };

  try {
    while (true) {
      if (failure) throw failure.error;
      const ready = ordered ? (results.has(nextOut) ? nextOut : -1) : (finishedOrder.shift() ?? -1);
      if (ready !== -1) {
        const value = results.get(ready)!;
        results.delete(ready);
        nextOut++;
        yield value;
        continue;
      }
      if (sourceDone && running === 0 && !pulling) return;
      if (!pulling && !sourceDone && running + results.size < concurrency) pull();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    calls.abort(signal.aborted ? signal.reason : failure?.error);
    removeListener();
    if (running > 0) await new Promise<void>((resolve) => (allSettled = resolve));
    // The input keeps the protocol: return() does not wait for a pull still pending on it.
    if (!sourceDone) await iterator.return?.();
  }
}

/** Calls `fn` as a promise: a synchronous throw becomes a rejection, a plain value a fulfilment. */
function invoke<I, O>(fn: Callback<I, O>, value: I, index: number, signal: AbortSignal): Promise<Awaited<O>> {
  try {
    const out = fn(value, { signal, index });
    return (isThenable(out) ? Promise.resolve(out) : Promise.resolve(out as Awaited<O>)) as Promise<
      Awaited<O>
    >;
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Calls `fn` with a signal of its own that a timer aborts with a `TimeoutError`, reported at once
 * through `onTimeout`; the returned promise still settles only when the call itself does, so the
 * stage's cleanup can wait for it.
 */
function invokeWithTimeout<I, O>(
  fn: Callback<I, O>,
  value: I,
  index: number,
  signal: AbortSignal,
  timeout: number,
  onTimeout: (error: TimeoutError) => void,
): Promise<Awaited<O>> {
  const call = new AbortController();
  const removeListener = onAbort(signal, () => call.abort(signal.reason), 'parallelMap call');
  const timer = track('timer', `parallelMap timeout(${timeout})`);
  const handle = setTimeout(() => {
    release(timer);
    const error = new TimeoutError(`parallelMap callback ${index} took longer than ${timeout} ms`);
    call.abort(error);
    onTimeout(error);
  }, timeout);
  return invoke(fn, value, index, call.signal).finally(() => {
    clearTimeout(handle);
    release(timer);
    removeListener();
  });
}
