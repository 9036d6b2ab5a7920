import { ignoreRejection } from '../util/deferred.js';
import { track, type Resource } from '../util/registry.js';

/** The one `{ done: true }` result every iterator of sluice's answers with. */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Lets go of an upstream stuck in next(). Such a source may never settle, and an async generator's
 * return() waits for its pending next(): so return() is called without being awaited and its
 * rejection swallowed. The ledger shows the source (the leak checker reports it) until the caller
 * releases the returned entry, once that pending next() has settled.
 */
export function abandon(iterator: AsyncIterator<unknown>, label: string): Resource {
  const stuck = track('source', `${label}: source still in next() after cleanup`);
  try {
    ignoreRejection(iterator.return?.());
  } catch {
    // A throwing return() on an abandoned source has nobody left to report to.
  }
  return stuck;
}

/**
 * Returns an idle upstream during a stage's cleanup. The stage is ending for a reason of its own
 * (an error, an abort, the consumer leaving); an error from this return() must not mask that
 * reason, nor leave a waiter unanswered.
 */
export async function returnQuietly(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Cleanup noise: the reason the stage ended is already on its way to the consumer.
  }
}
