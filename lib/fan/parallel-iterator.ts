import { Engine } from '../core/engine.js';
import type { EngineProbe } from '../core/gauge.js';
import { now } from '../util/timers.js';
import { Inlet, type InletOwner } from '../core/inlet.js';
import { abortReason, END, reasonOf, type Outcome } from '../core/outcome.js';
import { CallContext, CallSignals } from '../util/call-signals.js';
import { NOTHING, RingWindow, type ReorderWindow } from './ring-window.js';

/** Starts one call for `value`; it settles when the call has. `onTimeout` fails the stage at once. */
export type StartCall<I, O> = (
  value: I,
  context: CallContext,
  onTimeout: (error: unknown) => void,
) => Promise<O>;

/**
 * The engine of `parallelMap` and `workerMap`: one inlet, up to `concurrency` calls at once, and a
 * reorder window (or completion order) before one outlet. Running calls plus results not yet read
 * never exceed `concurrency`, which bounds both the read-ahead and the memory. The first error
 * (a call's, the source's, a timeout) ends it: every call's signal aborts, cleanup waits for the
 * calls to settle, then closes the inlet.
 */
export class ParallelEngine<I, O> extends Engine<O> implements InletOwner<I> {
  private readonly inlet: Inlet<I>;
  private readonly calls: CallSignals;
  private readonly callsController = new AbortController();
  /** Finished results not yet read: by input index when ordered, in completion order when not. */
  private readonly byIndex: ReorderWindow<O>;
  private readonly inOrder: O[] = [];
  private running = 0;
  private started = 0;
  private nextOut = 0;
  private sourceDone = false;
  private allSettled: (() => void) | undefined;

  constructor(
    source: AsyncIterable<I>,
    signal: AbortSignal,
    private readonly startCall: StartCall<I, O>,
    private readonly concurrency: number,
    private readonly ordered: boolean,
    label: string,
  ) {
    super(signal, label);
    this.inlet = new Inlet(source, signal, this, label);
    this.calls = new CallSignals(this.callsController.signal, `${label} calls`);
    this.byIndex = concurrency <= 1024 ? new RingWindow<O>(concurrency) : new Map<number, O>();
  }

  protected open(): void {
    this.fill();
  }

  protected serve(): void {
    while (this.outlet.waiting) {
      const value = this.takeReady();
      if (value === NOTHING) break;
      // Handed over before the freed slot is filled: a source that ends synchronously (an array)
      // serves again from inside `fill`, and must find this value gone.
      this.outlet.push(value);
      this.fill();
    }
    if (!this.closed && this.sourceDone && this.running === 0 && this.buffered() === 0) void this.close(END);
  }

  onItem(value: I): void {
    if (this.closed) return; // a pull answered while cleanup waits for the calls: nobody wants it
    const index = this.started++;
    const context = new CallContext(index, this.calls);
    this.running++;
    this.gauge?.setInFlight(this.running, now());
    this.startCall(value, context, this.fail).then(
      (out) => this.onResult(index, out, context),
      (error: unknown) => this.onCallError(error, context),
    );
    this.fill();
  }

  onEnd(): void {
    this.sourceDone = true;
    this.serve();
  }

  onError(error: unknown): void {
    this.sourceDone = true;
    this.fail(error);
  }

  /** Pulls while a slot is free: running calls plus unread results stay within `concurrency`. */
  private fill(): void {
    if (this.closed || this.sourceDone) return;
    if (this.running + this.buffered() < this.concurrency) this.inlet.pull();
  }

  private onResult(index: number, out: O, context: CallContext): void {
    context.settle();
    this.running--;
    this.gauge?.setInFlight(this.running, now());
    if (this.closed) return this.afterSettle();
    if (this.ordered) this.byIndex.set(index, out);
    else this.inOrder.push(out);
    this.serve();
  }

  private onCallError(error: unknown, context: CallContext): void {
    context.settle();
    this.running--;
    this.gauge?.setInFlight(this.running, now());
    if (this.closed) return this.afterSettle();
    if (this.gauge !== undefined) this.gauge.errors++;
    this.fail(error);
  }

  private afterSettle(): void {
    if (this.running === 0) this.allSettled?.();
  }

  /** The first error wins: the calls' signals abort with it at once. */
  private readonly fail = (error: unknown): void => {
    void this.close({ kind: 'error', error });
  };

  override probe(): EngineProbe {
    return { inFlight: this.running, queued: this.buffered(), capacity: this.concurrency };
  }

  private buffered(): number {
    return this.ordered ? this.byIndex.size : this.inOrder.length;
  }

  private takeReady(): O | typeof NOTHING {
    if (!this.ordered) return this.inOrder.length > 0 ? this.inOrder.shift()! : NOTHING;
    if (!this.byIndex.has(this.nextOut)) return NOTHING;
    const value = this.byIndex.get(this.nextOut)!;
    this.byIndex.delete(this.nextOut++);
    return value;
  }

  protected async shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    this.callsController.abort(reasonOf(outcome));
    this.calls.dispose();
    if (this.running > 0) await new Promise<void>((resolve) => (this.allSettled = resolve));
    this.byIndex.clear();
    this.inOrder.length = 0;
    return this.inlet.close(outcome.kind === 'abort', abortReason(outcome));
  }
}
