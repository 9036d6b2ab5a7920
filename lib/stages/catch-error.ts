import { engineStage } from '../core/define-stage.js';
import { Engine } from '../core/engine.js';
import { from } from '../core/from.js';
import { Inlet, type InletOwner } from '../core/inlet.js';
import { END, reasonOf, type Outcome } from '../core/outcome.js';
import { stopUpstream } from '../util/abort.js';
import { assertFunction } from '../util/validate.js';
import type { Source, Stage, StageContext } from '../core/types.js';

/**
 * Yields the source's values; when the source fails (not when the stage is aborted), calls
 * `handler(error, { signal })` once and goes on with the source it returns (a promise is awaited),
 * or ends with what the handler throws. The failed source is not returned, as `for await` leaves a
 * failed iterator; an error of the source the handler returned is not caught again. Reads one item
 * ahead of demand. Abort and `break` return the source being read and abort the handler's
 * `signal`; cleanup waits for a handler in flight, which settles at once if it honours its signal.
 *
 * @example
 * pipe(liveFeed(), catchError((error, { signal }) => (isTransient(error) ? cachedFeed(signal) : throwIt(error))));
 */
export function catchError<T, R = T>(
  handler: (error: unknown, context: StageContext) => Source<R> | PromiseLike<Source<R>>,
): Stage<T, T | R> {
  assertFunction('handler', handler);
  return engineStage(
    (source, { signal }) => new CatchEngine<T | R>(source as AsyncIterable<T | R>, signal, handler).outlet,
  );
}

class CatchEngine<T> extends Engine<T> implements InletOwner<T> {
  private inlet: Inlet<T>;
  private readonly sources = new AbortController();
  private recovered = false;
  private calling: Promise<void> | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly handler: (error: unknown, context: StageContext) => unknown,
  ) {
    super(signal, 'catchError');
    this.inlet = new Inlet(source, this.sources.signal, this, this.label);
  }

  protected open(): void {}

  protected serve(): void {
    if (this.calling === undefined && !this.closed) this.inlet.pull();
  }

  onItem(value: T): void {
    if (this.outlet.push(value)) this.inlet.pull();
  }

  onEnd(): void {
    void this.close(END);
  }

  onError(error: unknown): void {
    if (this.recovered || this.closed || this.signal?.aborted)
      return void this.close({ kind: 'error', error });
    this.recovered = true;
    let out: unknown;
    try {
      out = this.handler(error, { signal: this.sources.signal });
    } catch (thrown) {
      return void this.close({ kind: 'error', error: thrown });
    }
    this.calling = Promise.resolve(out).then(this.switchTo, (thrown: unknown) => {
      this.calling = undefined;
      void this.close({ kind: 'error', error: thrown });
    });
  }

  private readonly switchTo = (source: unknown): void => {
    this.calling = undefined;
    if (this.closed) return;
    let iterable: AsyncIterable<T>;
    try {
      iterable = from(source as Source<T>);
    } catch (error) {
      return void this.close({ kind: 'error', error });
    }
    this.inlet = new Inlet(iterable, this.sources.signal, this, this.label);
    if (this.outlet.waiting) this.inlet.pull();
  };

  protected async shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    const abort = outcome.kind === 'abort';
    stopUpstream(this.sources, reasonOf(outcome), abort);
    // The handler was told by its signal; cleanup waits for it, never for a source.
    await this.calling;
    return this.inlet.close(abort);
  }
}
