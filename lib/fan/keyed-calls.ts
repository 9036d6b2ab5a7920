import type { StartCall } from './parallel-iterator.js';

/**
 * `parallelMap`'s `key`: calls whose values share a key run one at a time, in input order, each
 * started once the previous one of its key has settled; calls of different keys run in parallel.
 * A call waiting for its key holds its slot of `concurrency` (the engine counts it as running), so
 * the read-ahead stays within `concurrency` as without a key. One map per pipeline, holding only
 * keys with a call running or waiting, so it never outgrows `concurrency` entries.
 */
export function keyedCalls<I, O>(start: StartCall<I, O>, key: (value: I) => unknown): StartCall<I, O> {
  const tails = new Map<unknown, Promise<unknown>>();
  return (value, context, onTimeout) => {
    let k: unknown;
    try {
      k = key(value);
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = tails.get(k);
    const run = (): Promise<O> => {
      // The stage ended while this call waited for its key: it never starts.
      const signal = context.signal;
      return signal.aborted ? Promise.reject(signal.reason) : start(value, context, onTimeout);
    };
    const call = previous === undefined ? run() : previous.then(run, run);
    const tail = call.then(
      () => undefined,
      () => undefined,
    );
    tails.set(k, tail);
    void tail.then(() => {
      if (tails.get(k) === tail) tails.delete(k);
    });
    return call;
  };
}
