import type { DisposableSignal } from '../core/types.js';
import { onAbort } from '../util/abort.js';
import { assertSignal } from '../util/validate.js';

/**
 * Go's or-channel: a signal that aborts as soon as any input does, with that input's reason.
 * Once it fires, or once `dispose()` is called, it holds no listener on any input, so a
 * long-lived input does not accumulate listeners from short-lived combinations. `undefined`
 * inputs are skipped, so optional signals can be passed straight through.
 *
 * @example
 * using signal = anySignal(request.signal, AbortSignal.timeout(5_000));
 */
export function anySignal(...signals: (AbortSignal | undefined)[]): DisposableSignal {
  signals.forEach((signal, index) => assertSignal(`signals[${index}]`, signal));
  const inputs = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const controller = new AbortController();
  const removals: (() => void)[] = [];
  const dispose = (): void => {
    for (const remove of removals.splice(0)) remove();
  };
  const already = inputs.find((input) => input.aborted);
  if (already) {
    controller.abort(already.reason);
  } else {
    for (const input of inputs) {
      const fire = (): void => {
        dispose();
        controller.abort(input.reason);
      };
      removals.push(onAbort(input, fire, 'anySignal'));
    }
  }
  return Object.assign(controller.signal, { dispose, [Symbol.dispose]: dispose });
}

export type { DisposableSignal };
