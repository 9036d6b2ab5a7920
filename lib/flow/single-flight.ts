import { onAbort } from '../util/abort.js';
import { assertFunction, signalOption } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

interface Flight {
  readonly controller: AbortController;
  readonly result: Promise<unknown>;
  callers: number;
}

/**
 * Go's `singleflight.Group`: concurrent `do` calls with the same key share one run of
 * `task(signal)` and all get its value or its error (the same object). A key is free again once
 * its run settles, so a later call starts a new run.
 *
 * Abort: a caller whose signal aborts rejects at once with its own `signal.reason` and stops
 * waiting; the others keep waiting. The run's signal aborts only when every caller waiting on it
 * has aborted (with the last one's reason); the key is then free at once, so a new caller does
 * not join a run that is being cancelled. An already-aborted signal rejects without joining or
 * starting anything. A synchronous throw in `task` is its rejection.
 *
 * @example
 * const flights = new SingleFlight();
 * const user = await flights.do(`user:${id}`, (signal) => fetchUser(id, { signal }), { signal });
 */
export class SingleFlight {
  readonly #flights = new Map<unknown, Flight>();

  /** Keys with a run in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /**
   * Runs `task(signal)` for `key`, or joins the run already in flight for it, and resolves with
   * its value (rejects with its error). Abort rejects this caller alone, at once, with its reason.
   */
  do<T>(
    key: unknown,
    task: (signal: AbortSignal) => T | PromiseLike<T>,
    options?: SignalOptions,
  ): Promise<Awaited<T>> {
    assertFunction('task', task);
    const signal = signalOption(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const started = (flight = {
        controller,
        callers: 0,
        result: new Promise<T>((resolve) => resolve(task(controller.signal))).finally(() => {
          if (this.#flights.get(key) === started) this.#flights.delete(key);
        }),
      });
      this.#flights.set(key, flight);
    }
    const joined = flight;
    joined.callers++;
    return new Promise<Awaited<T>>((resolve, reject) => {
      let waiting = true;
      const removeListener = signal
        ? onAbort(
            signal,
            () => {
              waiting = false;
              reject(signal.reason);
              if (--joined.callers > 0) return;
              if (this.#flights.get(key) === joined) this.#flights.delete(key);
              joined.controller.abort(signal.reason);
            },
            'SingleFlight.do',
          )
        : undefined;
      joined.result.then(
        (value) => {
          if (!waiting) return;
          removeListener?.();
          resolve(value as Awaited<T>);
        },
        (error: unknown) => {
          if (!waiting) return;
          removeListener?.();
          reject(error);
        },
      );
    });
  }
}
