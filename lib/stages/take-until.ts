import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { END } from '../core/outcome.js';
import { onAbort } from '../util/abort.js';
import { isThenable } from '../util/deferred.js';
import { describe } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/**
 * Yields the source's values until `notifier` fires — an `AbortSignal` aborts, or a promise
 * resolves — then stops reading, returns its source and **ends normally**: a pending `next()`
 * resolves `done` (a source stuck in an `await` is let go of, as on `break`). A notifier that has
 * already fired ends the stage before the source is opened; a promise that rejects fails the stage
 * with its reason. Reads one item ahead of demand; adds one listener to the notifier signal,
 * removed on every exit path.
 *
 * This is the graceful drain: `takeUntil(shutdown.signal)` in front of a `parallelMap` ends its
 * input, so the calls in flight finish and their results are delivered, while the pipeline's own
 * `signal` stays the hard stop that aborts them.
 *
 * @example
 * const shutdown = new AbortController();
 * process.once('SIGTERM', () => shutdown.abort());
 * const done = pipe(jobs, takeUntil(shutdown.signal), parallelMap(run, { concurrency: 8 }), { signal });
 */
export function takeUntil<T>(notifier: AbortSignal | PromiseLike<unknown>): Stage<T, T> {
  if (!(notifier instanceof AbortSignal) && !isThenable(notifier))
    throw new TypeError(`Expected \`notifier\` to be an AbortSignal or a promise, got ${describe(notifier)}`);
  return engineStage(
    (source, { signal }) => new TakeUntilEngine<T>(source as AsyncIterable<T>, signal, notifier).outlet,
    // Carried values pass as they are; those never let through are not done, so not acknowledged.
    () => [takeUntil(notifier)],
    // Right after a broker source with `ack: 'auto'`, an abort signal drains that source instead,
    // so what it read is handed over and acknowledged rather than left pending (see `leaseStages`).
    notifier instanceof AbortSignal ? notifier : undefined,
  );
}

class TakeUntilEngine<T> extends SourceEngine<T, T> {
  private removeNotifier: (() => void) | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly notifier: AbortSignal | PromiseLike<unknown>,
  ) {
    super(source, signal, 'takeUntil');
  }

  protected open(): void {
    const notifier = this.notifier;
    if (notifier instanceof AbortSignal) {
      if (notifier.aborted) return this.fire();
      this.removeNotifier = onAbort(notifier, this.fire, 'takeUntil notifier');
    } else
      Promise.resolve(notifier).then(this.fire, (error: unknown) => {
        if (!this.closed) void this.close({ kind: 'error', error });
      });
  }

  private readonly fire = (): void => {
    this.removeNotifier = undefined;
    if (!this.closed) void this.close(END);
  };

  protected serve(): void {
    if (this.closed) return;
    if (!this.endLikeSource()) this.inlet.pull();
  }

  onItem(value: T): void {
    if (this.outlet.push(value)) this.serve();
  }

  protected drop(): void {
    this.removeNotifier?.();
    this.removeNotifier = undefined;
  }
}
