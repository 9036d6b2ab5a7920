import { onAbort } from '../util/abort.js';
import { clearTimer, setTimer } from '../util/timers.js';
import { assertDuration, assertOptions, assertSignal } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

/**
 * Resolves after `ms` milliseconds (Go's `time.After`). Abort rejects with `signal.reason` at once
 * and clears the timer; an already-aborted signal rejects without setting one.
 *
 * @example
 * await after(100, { signal });
 */
export function after(ms: number, options: SignalOptions = {}): Promise<void> {
  assertDuration('ms', ms);
  assertOptions('options', options);
  const { signal } = options;
  assertSignal('signal', signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const removeListener = signal
      ? onAbort(signal, () => finish(() => reject(signal.reason)), 'after')
      : undefined;
    const timer = setTimer(() => finish(resolve), ms, `after(${ms})`);
    function finish(settle: () => void): void {
      clearTimer(timer);
      removeListener?.();
      settle();
    }
  });
}
