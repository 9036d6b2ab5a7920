import { onAbort } from '../util/abort.js';
import { release, track } from '../util/registry.js';
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
    const timer = track('timer', `after(${ms})`);
    const removeListener = signal
      ? onAbort(signal, () => finish(() => reject(signal.reason)), 'after')
      : undefined;
    const handle = setTimeout(() => finish(resolve), ms);
    function finish(settle: () => void): void {
      clearTimeout(handle);
      release(timer);
      removeListener?.();
      settle();
    }
  });
}
