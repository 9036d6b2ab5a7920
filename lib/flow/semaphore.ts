import { onAbort } from '../util/abort.js';
import { assertCount, assertFunction, assertOptions, describe, signalOption } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

/** Gives back what `acquire` took; calling it again is harmless. `using` calls it at scope exit. */
export interface Release extends Disposable {
  (): void;
}

/** Options of `Semaphore.run`. */
export interface SemaphoreRunOptions extends SignalOptions {
  /** Permits the task holds while it runs. @default 1 */
  weight?: number | undefined;
}

interface Waiter {
  readonly weight: number;
  readonly resolve: (release: Release) => void;
  removeListener: (() => void) | undefined;
}

/**
 * A weighted semaphore shared by tasks (Go's `x/sync/semaphore`): at most `permits` weight is held
 * at any time. Waiters are served strictly first in, first out: a heavy waiter at the head of the
 * line blocks lighter ones behind it until enough is released, so it is never starved.
 *
 * `acquire` resolves to a `Release` (also `Disposable`, for `using`). Abort: the waiter leaves
 * the line, takes nothing, and `acquire` rejects with `signal.reason`; those behind it move up.
 * An already-aborted signal rejects at once. Misuse throws: a weight above `permits` could never
 * be served, so it is a `RangeError` when asked.
 *
 * @example
 * const connections = new Semaphore(10);
 * using release = await connections.acquire(1, { signal });
 * await query(sql, { signal });
 */
export class Semaphore {
  readonly permits: number;
  #held = 0;
  // Insertion-ordered: the first entry is the head of the line; deleting one is O(1).
  readonly #waiters = new Set<Waiter>();

  /** @param permits the total weight that may be held at once. */
  constructor(permits: number) {
    assertCount('permits', permits, 1);
    this.permits = permits;
  }

  /** Weight held now. */
  get held(): number {
    return this.#held;
  }

  /** Resolves once `weight` permits are held by the caller, after every earlier waiter. */
  acquire(weight = 1, options?: SignalOptions): Promise<Release> {
    this.#checkWeight(weight);
    const signal = signalOption(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const release = this.tryAcquire(weight);
    if (release !== undefined) return Promise.resolve(release);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { weight, resolve, removeListener: undefined };
      this.#waiters.add(waiter);
      if (signal)
        waiter.removeListener = onAbort(
          signal,
          () => {
            this.#waiters.delete(waiter);
            reject(signal.reason);
            this.#serve();
          },
          'Semaphore.acquire',
        );
    });
  }

  /** Takes `weight` permits now if nobody waits and they are free, else returns `undefined`. */
  tryAcquire(weight = 1): Release | undefined {
    this.#checkWeight(weight);
    if (this.#waiters.size > 0 || this.#held + weight > this.permits) return undefined;
    this.#held += weight;
    return this.#releaser(weight);
  }

  /**
   * Runs `task(signal)` holding `weight` permits, and releases them when it settles, whatever
   * way. Abort while waiting rejects with `signal.reason` and never calls `task`.
   */
  run<T>(
    task: (signal: AbortSignal) => T | PromiseLike<T>,
    options: SemaphoreRunOptions = {},
  ): Promise<Awaited<T>> {
    assertFunction('task', task);
    assertOptions('options', options);
    const { weight = 1 } = options;
    const signal = signalOption(options);
    const acquired = this.acquire(weight, { signal });
    return (async (): Promise<Awaited<T>> => {
      using _release = await acquired;
      return await task(signal ?? new AbortController().signal);
    })();
  }

  #checkWeight(weight: unknown): asserts weight is number {
    assertCount('weight', weight, 1);
    if (weight > this.permits)
      throw new RangeError(
        `Expected \`weight\` to be an integer between 1 and \`permits\` (${this.permits}), got ${describe(weight)}`,
      );
  }

  #releaser(weight: number): Release {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#held -= weight;
      this.#serve();
    };
    return Object.assign(release, { [Symbol.dispose]: release });
  }

  /** Hands permits to waiters in order while the head of the line fits. */
  #serve(): void {
    for (const waiter of this.#waiters) {
      if (this.#held + waiter.weight > this.permits) return;
      this.#waiters.delete(waiter);
      waiter.removeListener?.();
      this.#held += waiter.weight;
      waiter.resolve(this.#releaser(waiter.weight));
    }
  }
}
