import { from } from '../core/from.js';
import { Engine } from '../core/engine.js';
import { Inlet, type InletOwner } from '../core/inlet.js';
import { END, reasonOf, type Outcome } from '../core/outcome.js';
import type { Source } from '../core/types.js';
import { stopUpstream } from '../util/abort.js';
import { Fifo } from '../util/fifo.js';

/** One source of a merge: its inlet, and the value it delivered while that waits to be read. */
class Inner<T> implements InletOwner<T> {
  readonly inlet: Inlet<T>;
  value: T | undefined;

  constructor(
    private readonly merge: MergeEngine<T>,
    source: AsyncIterable<T>,
    signal: AbortSignal,
    label: string,
  ) {
    this.inlet = new Inlet(source, signal, this, label);
  }

  onItem(value: T): void {
    this.value = value;
    this.merge.ready(this);
  }

  onEnd(): void {
    this.merge.finished(this);
  }

  onError(error: unknown): void {
    this.merge.fail(error);
    this.merge.finished(this);
  }
}

/**
 * Fan-in shared by `merge`, `mergeAll` and `flatten`: one inlet per source, up to `concurrency`
 * at once, each with at most one pending next(), a ready queue in arrival order, and one outlet.
 * A source is pulled again only once its last value has been taken, so the queue holds at most one
 * value per source and an always-ready source cannot starve another. `initial` sources are opened
 * on the first demand (so every one of them is returned on exit, pulled or not); `outer` supplies
 * more, read only while a slot is free. Every source gets a signal the merge aborts when it ends.
 */
export class MergeEngine<T> extends Engine<T> implements InletOwner<Source<T>> {
  private readonly inners = new Set<Inner<T>>();
  private readonly queue = new Fifo<Inner<T>>();
  private readonly outer: Inlet<Source<T>> | undefined;
  private readonly sources = new AbortController();
  private serving = false;
  private again = false;

  constructor(
    outer: AsyncIterable<Source<T>> | undefined,
    private readonly initial: readonly AsyncIterable<T>[],
    private readonly concurrency: number,
    signal: AbortSignal,
    label: string,
  ) {
    super(signal, label);
    this.outer = outer && new Inlet(outer, signal, this, label);
  }

  protected open(): void {
    // Values ready at once wait in the queue until every source is in: with fewer sources seen,
    // `serve` could take the merge for finished.
    this.serving = true;
    for (const source of this.initial) if (!this.closed) this.add(source);
    this.serving = false;
  }

  /** Hands ready values to waiting readers, then makes sure work is under way or ends the merge. */
  protected serve(): void {
    // A pull answered at once re-enters through `ready`: the loop below picks that value up.
    if (this.serving) {
      this.again = true;
      return;
    }
    this.serving = true;
    do {
      this.again = false;
      while (this.outlet.waiting && this.queue.length > 0 && !this.closed) {
        const inner = this.queue.shift();
        const value = inner.value as T;
        inner.value = undefined;
        this.outlet.push(value);
        if (!this.closed) inner.inlet.pull();
      }
    } while (this.again);
    this.serving = false;
    if (this.closed || !this.outlet.waiting) return;
    const outer = this.outer;
    const outerDone = outer === undefined || outer.finished;
    if (!outerDone && !outer.pulling && this.inners.size < this.concurrency) outer.pull();
    else if (outerDone && this.inners.size === 0 && this.queue.length === 0) void this.close(END);
  }

  ready(inner: Inner<T>): void {
    this.queue.push(inner);
    this.serve();
  }

  finished(inner: Inner<T>): void {
    this.inners.delete(inner);
    this.serve();
  }

  readonly fail = (error: unknown): void => {
    void this.close({ kind: 'error', error });
  };

  /** A source from the outer iterable. */
  onItem(source: Source<T>): void {
    let iterable: AsyncIterable<T>;
    try {
      iterable = from(source);
    } catch (error) {
      return this.fail(error);
    }
    this.add(iterable);
    this.serve();
  }

  onEnd(): void {
    this.serve();
  }

  onError(error: unknown): void {
    this.fail(error);
  }

  private add(source: AsyncIterable<T>): void {
    const inner = new Inner(this, source, this.sources.signal, this.label);
    this.inners.add(inner);
    if (inner.inlet.open()) inner.inlet.pull();
  }

  protected async shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    const abort = outcome.kind === 'abort';
    stopUpstream(this.sources, reasonOf(outcome), abort);
    this.queue.clear();
    const closing = [...this.inners].map((inner) => inner.inlet.close(abort));
    if (this.outer) closing.push(this.outer.close(abort));
    const failures = await Promise.all(closing);
    return failures.find((failure) => failure !== undefined);
  }
}
