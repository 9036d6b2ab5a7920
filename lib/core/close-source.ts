import { isThenable } from '../util/deferred.js';
import { release, track } from '../util/registry.js';
import { describe } from '../util/validate.js';

/** How an inlet closes a source: awaited, let go of, or given one turn to finish. */

// Captured at load, so a test that fakes timers afterwards does not stall a close.
const realSetImmediate = globalThis.setImmediate;

export function oneTurn(): Promise<undefined> {
  return new Promise((resolve) => realSetImmediate(() => resolve(undefined)));
}

export function readFailure(error: unknown): TypeError {
  const message = error instanceof Error ? error.message : String(error);
  return new TypeError(`Reading the source's next() result threw: ${message}`, { cause: error });
}

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
