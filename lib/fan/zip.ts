import { refuseLeases } from '../core/refuse-leases.js';
import { from } from '../core/from.js';
import { engineSource } from '../core/engine-source.js';
import { Engine } from '../core/engine.js';
import { Inlet } from '../core/inlet.js';
import { END, reasonOf, type Outcome } from '../core/outcome.js';
import { pipe, type Pipeline } from '../core/pipe.js';
import { stopUpstream } from '../util/abort.js';
import type { Source, SourceValue } from '../core/types.js';

/** The tuple `zip` yields: one value per source, typed by position. */
export type Zipped<S extends readonly unknown[]> = { -readonly [K in keyof S]: SourceValue<S[K]> };

/**
 * Yields tuples of one value from each source, in order: the first values together, then the
 * second ones, and so on. For each tuple asked for it pulls every source once, so it reads at most
 * one item ahead per source. It ends when the first source ends, returning the others; `zip()`
 * with no source ends at once. A source error ends it with that error. On `break`, abort or an
 * error every source is returned, the never-pulled ones too (a source stuck in an `await` gets an
 * aborted signal and a `return()` that is not waited on).
 *
 * @example
 * for await (const [name, score] of zip(names, scores)) console.log(name, score);
 */
export function zip<S extends Source<any>[]>(...sources: S): Pipeline<Zipped<S>> {
  refuseLeases('zip', sources);
  const iterables = sources.map((source) => from(source));
  return pipe(engineSource((signal) => new ZipEngine<Zipped<S>>(iterables, signal).outlet));
}

/** One inlet per source, and the value each has delivered toward the next tuple. */
class ZipEngine<T> extends Engine<T> {
  private readonly inlets: Inlet<unknown>[];
  private readonly sources = new AbortController();
  private values: unknown[];
  private readonly have: boolean[];
  private count = 0;
  private serving = false;
  private again = false;

  constructor(iterables: readonly AsyncIterable<unknown>[], signal: AbortSignal) {
    super(signal, 'zip');
    this.values = iterables.map(() => undefined);
    this.have = iterables.map(() => false);
    this.inlets = iterables.map(
      (iterable, i) =>
        new Inlet(
          iterable,
          this.sources.signal,
          {
            onItem: (value) => this.got(i, value),
            onEnd: () => void this.close(END),
            onError: (error) => void this.close({ kind: 'error', error }),
          },
          'zip',
        ),
    );
  }

  protected open(): void {
    // Every source is opened on the first demand, so every one is returned on exit, pulled or not.
    for (const inlet of this.inlets) if (!this.closed) inlet.open();
    if (this.inlets.length === 0) void this.close(END);
  }

  protected serve(): void {
    // A source that answers at once completes a tuple from inside `pull`: the loop takes over.
    if (this.serving) {
      this.again = true;
      return;
    }
    this.serving = true;
    do {
      this.again = false;
      for (let i = 0; i < this.inlets.length && !this.closed; i++) if (!this.have[i]) this.inlets[i].pull();
    } while (this.again && !this.closed);
    this.serving = false;
  }

  private got(i: number, value: unknown): void {
    this.values[i] = value;
    this.have[i] = true;
    if (++this.count < this.inlets.length) return;
    const tuple = this.values as T;
    this.values = this.inlets.map(() => undefined);
    this.have.fill(false);
    this.count = 0;
    if (this.outlet.push(tuple)) this.serve();
  }

  protected async shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    const abort = outcome.kind === 'abort';
    stopUpstream(this.sources, reasonOf(outcome), abort);
    this.values = [];
    const failures = await Promise.all(this.inlets.map((inlet) => inlet.close(abort)));
    return failures.find((failure) => failure !== undefined);
  }
}
