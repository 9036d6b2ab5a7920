import { isGracefulStop, onAbort } from '../util/abort.js';
import { deferred } from '../util/deferred.js';

/**
 * What the end of a broker source waits for: its reader closed and every settle it sent answered,
 * so a pipeline that ends (drained, its `take` satisfied, a `break`, a stage's error) leaves none
 * of its acknowledgements in flight. An abort waits on no broker (CONTRACT rule 2): a signal
 * aborted before the wait skips the settles, and one aborted during it cuts the wait short.
 */
export async function untilSettled(
  closing: Promise<void> | undefined,
  settling: ReadonlySet<Promise<void>>,
  signals: readonly (AbortSignal | undefined)[],
): Promise<void> {
  const given = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (settling.size === 0 || abortOf(given) !== undefined) return closing;
  const cut = deferred<void>();
  const removals = given
    .filter((signal) => !signal.aborted)
    .map((signal) => onAbort(signal, () => isAbort(signal) && cut.resolve(), 'broker source: settles'));
  try {
    await Promise.all([closing, Promise.race([Promise.all(settling), cut.promise])]);
  } finally {
    for (const remove of removals) remove();
  }
}

const isAbort = (signal: AbortSignal | undefined): signal is AbortSignal =>
  signal !== undefined && signal.aborted && !isGracefulStop(signal);

/** The first of `signals` aborted by a real abort (not a reader's graceful stop), if any. */
export function abortOf(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  return signals.find(isAbort);
}
