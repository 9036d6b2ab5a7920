import { DONE } from '../core/iterators.js';
import { onAbort } from '../util/abort.js';
import {
  CLOSED,
  completed,
  completesNow,
  EMPTY,
  later,
  type Claim,
  type ReceivePort,
  type Receiver,
  type Waiter,
} from './hand-over.js';

type Cause = { error: unknown };

/** A pending `next()`: enlisted with the channel, and its own claim. */
class NextWaiter<T> implements Receiver<T>, Claim {
  claimed = false;
  readonly claim: Claim = this;
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  constructor(
    readonly pending: Set<NextWaiter<T>>,
    readonly end: () => void,
    readonly resolve: (result: IteratorResult<T, undefined>) => void,
    readonly reject: (error: unknown) => void,
  ) {}
  deliver(value: T): void {
    this.pending.delete(this);
    const result: IteratorYieldResult<T> = { done: false, value };
    if (completesNow()) this.resolve(result);
    else later(() => this.resolve(result));
  }
  finish(): void {
    this.pending.delete(this);
    if (completesNow()) this.closed();
    else later(() => this.closed());
  }
  closed(): void {
    this.end();
    this.resolve(DONE);
  }
  stop(cause: Cause | undefined): void {
    if (cause) this.reject(cause.error);
    else this.resolve(DONE);
  }
}

/**
 * The iterator of a channel: receives until closed and drained. `return()` withdraws pending
 * `next()` calls, which resolve done, and leaves the channel open; a `signal` rejects them with
 * its reason. Pending waiters are claimed before they are withdrawn, so no value is lost.
 */
export function channelIterator<T>(port: ReceivePort<T>, signal?: AbortSignal): AsyncIterableIterator<T> {
  const pending = new Set<NextWaiter<T>>();
  let ended = false;
  let failure: Cause | undefined;
  let removeListener: (() => void) | undefined;
  const end = (cause?: Cause): void => {
    ended = true;
    removeListener?.();
    removeListener = undefined;
    if (cause && pending.size === 0) failure = cause;
    if (pending.size === 0) return;
    const stopped = [...pending];
    pending.clear();
    for (const waiter of stopped) {
      waiter.claimed = true;
      port.withdraw(waiter);
      waiter.stop(cause);
    }
  };
  if (signal?.aborted) end({ error: signal.reason });
  else if (signal) removeListener = onAbort(signal, () => end({ error: signal.reason }), 'channel iterator');
  const endNow = (): void => end();
  return {
    next(): Promise<IteratorResult<T, undefined>> {
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve(DONE);
      const now = port.receiveNow();
      if (now === EMPTY) {
        let waiter!: NextWaiter<T>;
        const promise = new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
          waiter = new NextWaiter(pending, endNow, resolve, reject);
        });
        port.enlist(waiter);
        pending.add(waiter);
        return promise;
      }
      if (now !== CLOSED) return completed<IteratorResult<T, undefined>>({ done: false, value: now });
      if (completesNow()) {
        end();
        return Promise.resolve(DONE);
      }
      return new Promise((resolve) =>
        later(() => {
          end();
          resolve(DONE);
        }),
      );
    },
    return(): Promise<IteratorResult<T, undefined>> {
      failure = undefined;
      end();
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
