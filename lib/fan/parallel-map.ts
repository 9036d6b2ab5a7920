import { ParallelEngine, type StartCall } from './parallel-iterator.js';
import { keyedCalls } from './keyed-calls.js';
import type { CallContext } from '../util/call-signals.js';
import { engineStage } from '../core/define-stage.js';
import { clearTimer, setTimer } from '../util/timers.js';
import {
  assertBoolean,
  assertCount,
  assertDuration,
  assertFunction,
  assertOptions,
} from '../util/validate.js';
import { TimeoutError } from '../core/errors.js';
import type { Callback, Stage } from '../core/types.js';
import { callLeased, type Carried } from '../core/lease.js';

/** Options of `parallelMap`. */
export interface ParallelMapOptions<I = any> {
  /** Most callbacks running at once. @default 1 */
  concurrency?: number | undefined;
  /** Yield in input order (true) or in completion order (false). @default true */
  ordered?: boolean | undefined;
  /** Milliseconds one call may take: then its signal aborts and the stage fails with a `TimeoutError`. */
  timeout?: number | undefined;
  /**
   * Calls whose values have the same `key(value)` (compared as `Map` keys) run one at a time and
   * in input order, calls of different keys in parallel: per-entity ordering, as a Kafka partition
   * gives it. A call waiting for its key holds a slot of `concurrency`. @default undefined
   */
  key?: ((value: I) => unknown) | undefined;
}

/**
 * Fan-out and fan-in in one stage: runs `fn(value, { signal, index })` on up to `concurrency`
 * values at once and yields the results, in input order by default (a reorder window of at most
 * `concurrency` results) or in completion order with `ordered: false`. With `key`, calls of the
 * same key run one at a time in input order (so with `ordered: false` results come in completion
 * order across keys and in input order within a key), different keys in parallel.
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
  options: ParallelMapOptions<I> = {},
): Stage<I, Awaited<O>> {
  assertFunction('fn', fn);
  assertOptions('options', options);
  const { concurrency = 1, ordered = true, timeout, key } = options;
  assertCount('concurrency', concurrency, 1, true);
  assertBoolean('ordered', ordered);
  if (timeout !== undefined) assertDuration('timeout', timeout);
  if (key !== undefined) assertFunction('key', key);
  const startCall: StartCall<I, Awaited<O>> = timeout === undefined
    ? (value, context) => invoke(fn, value, context)
    : (value, context, onTimeout) => invokeWithTimeout(fn, value, context, timeout, onTimeout);
  return engineStage(
    (source, { signal }) =>
      new ParallelEngine(
        source,
        signal,
        key === undefined ? startCall : keyedCalls(startCall, key),
        concurrency,
        ordered,
        'parallelMap',
      ).outlet,
    // Carrying acknowledgements, each output keeps the lease of the input it was made from.
    () => [
      parallelMap(
        (c: Carried<I>, context) => callLeased(fn, c, context, (value) => ({ value, lease: c.lease })),
        {
          ...options,
          key: key && ((c: Carried<I>) => key(c.value)),
        },
      ),
    ],
  );
}

/** Calls `fn` as a promise: a synchronous throw becomes a rejection, a plain value a fulfilment. */
function invoke<I, O>(fn: Callback<I, O>, value: I, context: CallContext): Promise<Awaited<O>> {
  try {
    return Promise.resolve(fn(value, context)) as Promise<Awaited<O>>;
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Calls `fn` under a timer that aborts the call's own signal with a `TimeoutError`, reported at
 * once through `onTimeout`; the returned promise still settles only when the call itself does, so
 * the stage's cleanup can wait for it.
 */
function invokeWithTimeout<I, O>(
  fn: Callback<I, O>,
  value: I,
  context: CallContext,
  timeout: number,
  onTimeout: (error: unknown) => void,
): Promise<Awaited<O>> {
  context.isolate(); // the timeout aborts this call's signal alone
  const timer = setTimer(
    () => {
      const error = new TimeoutError(`parallelMap callback ${context.index} took longer than ${timeout} ms`);
      context.abort(error);
      onTimeout(error);
    },
    timeout,
    `parallelMap timeout(${timeout})`,
  );
  return invoke(fn, value, context).finally(() => clearTimer(timer));
}
