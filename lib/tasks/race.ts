import { onAbort } from '../util/abort.js';
import { assertFunction, assertNonEmptyArray, assertOptions, assertSignal } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

/**
 * The book's replicated requests: runs every `fn(signal)` at once, each with a signal of its own
 * (a child of `signal`), and resolves the value of the first to fulfil. The others are aborted and
 * their outcomes ignored, never reported as unhandled; the winner's signal is not aborted, so what
 * it resolved (a fetch `Response` body) may keep using it. If all reject, rejects with an
 * `AggregateError` of every error, in the order of `fns`. A synchronous throw counts as a rejection.
 *
 * Exit means stopped: the result comes once every loser has settled too, so a loser that ignores
 * its signal delays it. Abort before then aborts every task and rejects with `signal.reason`
 * (once they have settled), even if one had already fulfilled.
 *
 * @example
 * const page = await race(mirrors.map((url) => (signal) => fetch(url, { signal })), { signal });
 */
export function race<T>(
  fns: readonly ((signal: AbortSignal) => T | PromiseLike<T>)[],
  options: SignalOptions = {},
): Promise<T> {
  assertNonEmptyArray('fns', fns, 'functions');
  fns.forEach((fn, index) => assertFunction(`fns[${index}]`, fn));
  assertOptions('options', options);
  const { signal } = options;
  assertSignal('signal', signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return run(fns, signal);
}

async function run<T>(
  fns: readonly ((signal: AbortSignal) => T | PromiseLike<T>)[],
  signal?: AbortSignal,
): Promise<T> {
  const controllers = fns.map(() => new AbortController());
  const abortAll = (reason: unknown): void => controllers.forEach((controller) => controller.abort(reason));
  const removeListener = signal ? onAbort(signal, () => abortAll(signal.reason), 'race') : undefined;
  let winner: { value: T } | undefined;
  try {
    const outcomes = await Promise.allSettled(
      fns.map(async (fn, index) => {
        const value = await fn(controllers[index].signal);
        if (!winner) {
          winner = { value };
          // The winner's signal stays live: what it resolved (a fetch Response's body, say) may still use it.
          const lost = new DOMException('Another task won the race', 'AbortError');
          controllers.forEach((controller, other) => other !== index && controller.abort(lost));
        }
        return value;
      }),
    );
    if (signal?.aborted) throw signal.reason;
    if (winner) return winner.value;
    const errors = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason);
    throw new AggregateError(errors, `All ${fns.length} tasks of the race failed`);
  } finally {
    removeListener?.();
  }
}
