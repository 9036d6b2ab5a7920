import { isThenable } from '../util/deferred.js';
import { release, track } from '../util/registry.js';
import { describe } from '../util/validate.js';
import { HALT } from './brand.js';
import { Outlet } from './outlet.js';
import { oneTurn } from './turns.js';

/** How an inlet closes a source: awaited, let go of, or given one turn to finish. */

/** Calls return() and waits for it, as `for await` does on `break`. */
export async function returnOf(iterator: AsyncIterator<unknown>): Promise<{ error: unknown } | undefined> {
  try {
    if (typeof iterator.return !== 'function') return undefined;
    const result: unknown = await iterator.return();
    if (result === null || (typeof result !== 'object' && typeof result !== 'function'))
      throw new TypeError(`Expected the source's return() to give an object, got ${describe(result)}`);
    return undefined;
  } catch (error) {
    return { error };
  }
}

/**
 * Calls return() without waiting on it; the ledger entry lives until it settles. The promise
 * settles with the error it threw, for a caller that chooses to wait a little.
 */
export function letGo(
  iterator: AsyncIterator<unknown>,
  label: string,
): Promise<{ error: unknown } | undefined> {
  const entry = track('source', label);
  let closing: unknown;
  try {
    closing = iterator.return!();
  } catch (error) {
    release(entry);
    return Promise.resolve({ error });
  }
  if (!isThenable(closing)) {
    release(entry);
    return Promise.resolve(undefined);
  }
  return Promise.resolve(closing).then(
    () => {
      release(entry);
      return undefined;
    },
    (error: unknown) => {
      release(entry);
      return { error };
    },
  );
}

/**
 * Closes an opened source that has not finished by itself. An outlet of sluice's under an abort
 * stops as an abort would (its owner lets go of its own sources at once). Sluice's own source is
 * returned and awaited: it answers a pending next() at once and waits only on its callbacks. A
 * foreign source is returned and awaited when idle; when it is stuck in next(), or on abort, its
 * `return()` is called without waiting (an async generator's return() waits for its pending next(),
 * which may never settle) and the ledger shows it until that `return()` settles (rules 1 and 2).
 */
export async function closeOpened(
  iterator: AsyncIterator<unknown>,
  {
    own,
    stuck,
    abort,
    reason,
    label,
  }: { own: boolean; stuck: boolean; abort: boolean; reason: unknown; label: string },
): Promise<{ error: unknown } | undefined> {
  if (abort && iterator instanceof Outlet) {
    await iterator[HALT](reason ?? new DOMException('The reading stage was aborted', 'AbortError'));
    return undefined;
  }
  if (own || !(stuck || abort)) return returnOf(iterator);
  const closing = letGo(iterator, label);
  // A source in the middle of a next() is often slow, not stuck (a read-ahead in flight): on a
  // break it gets one turn of the event loop to finish closing, so its `finally` has usually run
  // when the loop exits. One that takes longer is let go of, and the ledger shows it.
  if (abort) return undefined;
  return Promise.race([closing, oneTurn()]);
}
