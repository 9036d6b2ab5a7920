import { engineStage } from '../core/define-stage.js';
import { Engine } from '../core/engine.js';
import { from } from '../core/from.js';
import { Inlet, type InletOwner } from '../core/inlet.js';
import { END, reasonOf, type Outcome } from '../core/outcome.js';
import { consumerStopped, stopUpstream } from '../util/abort.js';
import { isThenable } from '../util/deferred.js';
import { assertFunction } from '../util/validate.js';
import type { Callback, Source, Stage } from '../core/types.js';

/**
 * For each value, `fn(value, { signal, index })` returns a source (a promise is awaited) and the
 * stage yields that source's values until the next upstream value arrives: then the current inner
 * source's `signal` aborts, it is returned, and the stage switches to the new one (a call still
 * pending is aborted too and its source never opened). It ends when the upstream and the last inner
 * source have ended. The upstream is read as fast as it gives values — that is what switching
 * means — one pending `next()` at a time; the inner source, one item ahead of demand.
 *
 * Errors (upstream, `fn`, the inner source, or an inner `return()` that throws) end the stream after
 * everything is returned; abort and `break` likewise, and abort the signal of the call or inner
 * source in flight. Cleanup waits for calls in flight and for switched-away sources to close.
 *
 * @example
 * pipe(searchBox.queries(), switchMap((query, { signal }) => search(query, { signal })));
 */
export function switchMap<I, O>(fn: Callback<I, Source<O>>): Stage<I, O> {
  assertFunction('fn', fn);
  return engineStage(
    (source, { signal }) => new SwitchEngine<I, O>(source as AsyncIterable<I>, signal, fn).outlet,
  );
}

class SwitchEngine<I, O> extends Engine<O> implements InletOwner<I> {
  private readonly outer: Inlet<I>;
  private inner: Inlet<O> | undefined;
  private current: AbortController | undefined;
  /** Calls in flight and switched-away sources closing: cleanup waits for them all. */
  private readonly pending = new Set<Promise<void>>();
  private readonly innerOwner: InletOwner<O>;
  private index = 0;
  private generation = 0;
  private calling = false;
  private outerDone = false;

  constructor(
    source: AsyncIterable<I>,
    signal: AbortSignal,
    private readonly fn: Callback<I, Source<O>>,
  ) {
    super(signal, 'switchMap');
    this.outer = new Inlet(source, signal, this, this.label);
    this.innerOwner = {
      onItem: (value) => {
        if (this.outlet.push(value)) this.inner?.pull();
      },
      onEnd: () => {
        this.inner = undefined;
        this.maybeEnd();
      },
      onError: this.fail,
    };
  }

  protected open(): void {
    this.outer.pull();
  }

  protected serve(): void {
    if (this.outlet.waiting) this.inner?.pull();
  }

  onItem(value: I): void {
    this.retire();
    const controller = (this.current = new AbortController());
    const generation = ++this.generation;
    let out: Source<O> | PromiseLike<Source<O>>;
    try {
      out = this.fn(value, { signal: controller.signal, index: this.index++ });
    } catch (error) {
      return this.fail(error);
    }
    if (isThenable(out)) {
      this.calling = true;
      this.wait(
        Promise.resolve(out).then(
          (source) => {
            if (generation !== this.generation) return;
            this.calling = false;
            this.start(source, controller);
          },
          (error: unknown) => {
            if (generation !== this.generation) return;
            this.calling = false;
            this.fail(error);
          },
        ),
      );
    } else this.start(out, controller);
    if (!this.closed) this.outer.pull();
  }

  onEnd(): void {
    this.outerDone = true;
    this.maybeEnd();
  }

  onError(error: unknown): void {
    this.fail(error);
  }

  private start(source: Source<O>, controller: AbortController): void {
    if (this.closed) return;
    let iterable: AsyncIterable<O>;
    try {
      iterable = from(source);
    } catch (error) {
      return this.fail(error);
    }
    this.inner = new Inlet(iterable, controller.signal, this.innerOwner, this.label);
    if (this.outlet.waiting) this.inner.pull();
  }

  /** A newer value arrived: the current call or inner source is stopped and returned. */
  private retire(): void {
    if (this.current) stopUpstream(this.current, consumerStopped(), false);
    this.current = undefined;
    this.calling = false;
    const inner = this.inner;
    this.inner = undefined;
    if (inner) this.wait(inner.close(false).then((failure) => failure && this.fail(failure.error)));
  }

  private wait(promise: Promise<unknown>): void {
    const settled: Promise<void> = promise.then(() => void this.pending.delete(settled));
    this.pending.add(settled);
  }

  private maybeEnd(): void {
    if (this.outerDone && this.inner === undefined && !this.calling) void this.close(END);
  }

  private readonly fail = (error: unknown): void => {
    void this.close({ kind: 'error', error });
  };

  protected async shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    const abort = outcome.kind === 'abort';
    if (this.current) stopUpstream(this.current, reasonOf(outcome), abort);
    const closing = [this.outer.close(abort)];
    if (this.inner) closing.push(this.inner.close(abort));
    const failures = await Promise.all(closing);
    // Calls were told by their signal; switched-away sources were returned already.
    while (this.pending.size > 0) await Promise.all(this.pending);
    return failures.find((failure) => failure !== undefined);
  }
}
