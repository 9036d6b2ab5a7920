import { from } from '../from.js';
import type { Source } from '../types.js';
import { onAbort } from './abort.js';
import { ignoreRejection } from './deferred.js';
import { release, track, type Resource } from './registry.js';

interface Inner<T> {
  readonly iterator: AsyncIterator<T>;
  pending: boolean;
  done: boolean;
  /** The ledger entry of an inner source abandoned while stuck in next(). */
  stuck?: Resource;
}

/**
 * Fan-in shared by `merge`, `mergeAll` and `flatten`: reads up to `concurrency` inner sources at
 * once, each with at most one pending next(), and yields values in the order they arrive. A value
 * waits in the ready queue until read, and its source is pulled again only then, so the queue
 * never holds more than one value per source and an always-ready source cannot starve another.
 * `initial` sources are opened at once (so every one of them is returned on exit, pulled or not);
 * `outer` supplies more, read only while a slot is free.
 */
export async function* mergeCore<T>(
  outer: AsyncIterator<Source<T>> | undefined,
  initial: readonly AsyncIterable<T>[],
  concurrency: number,
  signal: AbortSignal,
): AsyncGenerator<T> {
  const inners = new Set<Inner<T>>();
  const ready: [Inner<T>, T][] = [];
  let outerPending = false;
  let outerDone = outer === undefined;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;

  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const fail = (error: unknown): void => {
    failure ??= { error };
    notify();
  };
  const finish = (inner: Inner<T>): void => {
    inner.pending = false;
    release(inner.stuck);
    if (stopped) return;
    inner.done = true;
    inners.delete(inner);
  };
  const pullInner = (inner: Inner<T>): void => {
    inner.pending = true;
    inner.iterator.next().then(
      (result) => {
        if (result.done || stopped) finish(inner);
        else {
          inner.pending = false;
          ready.push([inner, result.value]);
        }
        notify();
      },
      (error) => {
        finish(inner);
        fail(error);
      },
    );
  };
  const open = (source: AsyncIterable<T>): void => {
    const inner: Inner<T> = {
      iterator: (source as any)[Symbol.asyncIterator](signal),
      pending: false,
      done: false,
    };
    inners.add(inner);
    pullInner(inner);
  };
  const pullOuter = (): void => {
    outerPending = true;
    outer!.next().then(
      (result) => {
        outerPending = false;
        if (result.done) outerDone = true;
        else if (!stopped) tryOpen(result.value);
        notify();
      },
      (error) => {
        outerPending = false;
        outerDone = true;
        fail(error);
      },
    );
  };
  const tryOpen = (source: Source<T>): void => {
    try {
      open(from(source));
    } catch (error) {
      fail(error);
    }
  };

  const removeListener = onAbort(signal, notify, 'merge');
  try {
    initial.forEach(open);
    while (true) {
      if (failure) throw failure.error;
      signal.throwIfAborted();
      const next = ready.shift();
      if (next) {
        yield next[1];
        if (!next[0].done) pullInner(next[0]);
        continue;
      }
      if (outerDone && !outerPending && inners.size === 0) return;
      if (!outerDone && !outerPending && inners.size < concurrency) pullOuter();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
    removeListener();
    await Promise.all([...[...inners].map(closeInner), outerDone ? undefined : outer?.return?.()]);
  }
}

/**
 * An idle inner source is returned and awaited. One stuck in next() may never settle, and an
 * async generator's return() waits for its pending next(): it is returned without being awaited
 * (its signal is already aborted by whoever ended the merge) and shown in the ledger until it lets go.
 */
async function closeInner<T>(inner: Inner<T>): Promise<void> {
  if (inner.done) return;
  inner.done = true;
  if (inner.pending) {
    inner.stuck = track('source', 'merge: source still in next() after the merge ended');
    try {
      ignoreRejection(inner.iterator.return?.());
    } catch {
      // Nobody is left to hear a throwing return() of an abandoned source.
    }
    return;
  }
  try {
    await inner.iterator.return?.();
  } catch {
    // The merge already ended for another reason; cleanup noise must not mask it.
  }
}
