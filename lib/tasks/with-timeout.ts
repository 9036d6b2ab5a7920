import { TimeoutError } from '../core/errors.js';
import { onAbort } from '../util/abort.js';
import { clearTimer, setTimer } from '../util/timers.js';
import { assertDuration, assertFunction } from '../util/validate.js';
import type { Callback } from '../core/types.js';

/**
 * Wraps a callback so that a call taking longer than `ms` rejects with a `TimeoutError` and its
 * `signal` aborts with that error; a call that settles in time settles as `fn`'s did. The wrapped
 * call gets a signal of its own that also aborts with the signal it was given (a `break`, an
 * abort), and its timer is cleared, and its listener removed, as soon as `fn` settles. A call that
 * ignores its signal keeps running after the timeout: its result is dropped, its rejection handled.
 * Pair it with `attempt` to turn slow calls into values and go on.
 *
 * @example
 * pipe(ids, parallelMap(attempt(withTimeout(fetchUser, 1_000)), { concurrency: 32 }));
 * // a slow call yields { ok: false, error: TimeoutError }
 */
export function withTimeout<T, R>(fn: Callback<T, R>, ms: number): Callback<T, Awaited<R>> {
  assertFunction('fn', fn);
  assertDuration('ms', ms);
  const label = `withTimeout(${ms})`;
  return (value, context) =>
    new Promise<Awaited<R>>((resolve, reject) => {
      const parent = context.signal;
      const controller = new AbortController();
      if (parent.aborted) controller.abort(parent.reason);
      const removeListener = parent.aborted
        ? undefined
        : onAbort(parent, () => controller.abort(parent.reason), label);
      const timer = setTimer(
        () => {
          const error = new TimeoutError(`${label}: the call took longer than ${ms} ms`);
          controller.abort(error);
          reject(error);
        },
        ms,
        label,
      );
      const settle = (): void => {
        clearTimer(timer);
        removeListener?.();
      };
      let out: R | PromiseLike<R>;
      try {
        out = fn(value, { signal: controller.signal, index: context.index });
      } catch (error) {
        settle();
        reject(error);
        return;
      }
      Promise.resolve(out).then(
        (result) => {
          settle();
          resolve(result as Awaited<R>);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
}
