import type { Received } from '../channel.js';
import { onAbort } from './abort.js';
import { handOver, type Claim, type Operation } from './hand-over.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator of a channel: receives until closed and drained. `return()` withdraws pending
 * `next()` calls, which resolve done, and leaves the channel open; a `signal` rejects them with
 * its reason. Pending waiters are claimed before they are withdrawn, so no value is lost.
 */
export function channelIterator<T>(
  op: Operation<Received<T>>,
  signal?: AbortSignal,
): AsyncIterableIterator<T> {
  const pending = new Set<{
    claim: Claim;
    withdraw(): void;
    stop(cause?: { error: unknown }): void;
  }>();
  let ended = false;
  let failure: { error: unknown } | undefined;
  let removeListener: (() => void) | undefined;
  const end = (cause?: { error: unknown }): void => {
    ended = true;
    removeListener?.();
    removeListener = undefined;
    if (cause && pending.size === 0) failure = cause;
    const stopped = [...pending];
    pending.clear();
    for (const entry of stopped) {
      entry.claim.claimed = true;
      entry.withdraw();
      entry.stop(cause);
    }
  };
  if (signal?.aborted) end({ error: signal.reason });
  else if (signal) removeListener = onAbort(signal, () => end({ error: signal.reason }), 'channel iterator');
  const toResult = (outcome: Received<T>): IteratorResult<T, undefined> => {
    if (!outcome.ok) end();
    return outcome.ok ? { done: false, value: outcome.value } : DONE;
  };
  return {
    next(): Promise<IteratorResult<T, undefined>> {
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve(DONE);
      const now = op.poll();
      if (now) return new Promise((resolve) => handOver(() => resolve(toResult(now))));
      return new Promise((resolve, reject) => {
        const claim = { claimed: false };
        const entry = {
          claim,
          withdraw: op.wait(claim, (outcome) => {
            pending.delete(entry);
            handOver(() => (outcome instanceof Error ? reject(outcome) : resolve(toResult(outcome))));
          }),
          stop: (cause?: { error: unknown }) => (cause ? reject(cause.error) : resolve(DONE)),
        };
        pending.add(entry);
      });
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
