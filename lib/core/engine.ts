import { onAbort } from '../util/abort.js';
import { now } from '../util/timers.js';
import type { EngineProbe, LinkGauge } from './gauge.js';
import { Inlet, type InletOwner } from './inlet.js';
import { Outlet, type OutletOwner } from './outlet.js';
import { abortReason, END, RETURN, stopOutcome, type Outcome } from './outcome.js';

/**
 * The frame every engine with one outlet stands on (buffer, batch, heartbeat, parallelMap,
 * merge): it opens on the first demand — an aborted signal ends it before anything is touched —
 * listens once to the signal of the stage that reads it, and ends once, through `close`: the
 * engine's `shutdown` stops its work and closes its inlets, then the outlet ends with the outcome
 * and the error a source's `return()` threw, if any.
 */
export abstract class Engine<T> implements OutletOwner {
  readonly outlet: Outlet<T>;
  #started = false;
  private removeListener: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  /** Its figures, in a metered pipeline only. */
  protected gauge: LinkGauge | undefined;

  constructor(
    /** The signal of the stage that reads this engine (if any): its abort stops the engine. */
    protected readonly signal: AbortSignal | undefined,
    protected readonly label: string,
    tracked = true,
  ) {
    this.outlet = new Outlet<T>(this, label, tracked);
  }

  /** Whether `close` has begun. */
  protected get closed(): boolean {
    return this.closing !== undefined;
  }

  demand(): void {
    if (this.closing !== undefined) return;
    if (!this.#started) {
      this.#started = true;
      const signal = this.signal;
      if (signal?.aborted) {
        void this.close({ kind: 'abort', reason: signal.reason });
        return;
      }
      if (signal)
        this.removeListener = onAbort(signal, () => void this.close(stopOutcome(signal)), this.label);
      this.open();
      if (this.closing !== undefined) return;
    }
    this.serve();
  }

  stop(abort?: { reason: unknown }): Promise<void> {
    if (abort) return this.close({ kind: 'abort', reason: abort.reason });
    // Inside an abort's dispatch, a reader's return() may arrive before this engine's own
    // listener has run: the abort still decides how the engine ends.
    return this.close(this.signal?.aborted ? stopOutcome(this.signal) : RETURN);
  }

  /** A metered pipeline measures this engine: `probe` tells it what the engine holds. */
  attachGauge(gauge: LinkGauge): void {
    this.gauge = gauge;
    gauge.probe = () => this.probe();
    gauge.capacity ??= this.probe().capacity;
  }

  /** What it holds and runs now, asked only by a snapshot or a dump. */
  probe(): EngineProbe {
    return {};
  }

  /** First demand: start reading. */
  protected abstract open(): void;
  /** A reader waits: hand over what is ready, or start the work that will produce it. */
  protected abstract serve(): void;
  /** Stops the work (callbacks told and waited for, timers cleared) and closes the inlets. */
  protected abstract shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined>;

  /** Ends the engine once, whatever ended it. */
  protected close(outcome: Outcome): Promise<void> {
    this.closing ??= this.cleanup(outcome);
    return this.closing;
  }

  private async cleanup(outcome: Outcome): Promise<void> {
    this.removeListener?.();
    this.removeListener = undefined;
    const closeError = await this.shutdown(outcome);
    const failure =
      closeError && outcome.kind === 'end' ? { kind: 'error' as const, ...closeError } : outcome;
    this.gauge?.finish(failure, now());
    this.outlet.end(outcome, closeError);
  }
}

/**
 * An engine that reads one source (buffer, batch, heartbeat): its inlet, and what the source said
 * last — ended, or failed — kept until what is held before it has been handed over.
 */
export abstract class SourceEngine<I, O> extends Engine<O> implements InletOwner<I> {
  protected readonly inlet: Inlet<I>;
  protected ended = false;
  protected failure: { error: unknown } | undefined;

  constructor(source: AsyncIterable<I>, signal: AbortSignal, label: string) {
    super(signal, label);
    this.inlet = new Inlet(source, signal, this, label);
  }

  abstract onItem(value: I): void;

  onEnd(): void {
    this.ended = true;
    this.serve();
  }

  onError(error: unknown): void {
    this.failure = { error };
    this.serve();
  }

  /** Nothing is held any more: end as the source did, if it did. True when the engine ends. */
  protected endLikeSource(): boolean {
    if (this.failure) void this.close({ kind: 'error', error: this.failure.error });
    else if (this.ended) void this.close(END);
    else return false;
    return true;
  }

  /** Drops what is held (queues, timers); the inlet closes after it. */
  protected abstract drop(): void;

  protected shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    this.drop();
    return this.inlet.close(outcome.kind === 'abort', abortReason(outcome));
  }
}
