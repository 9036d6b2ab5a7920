import { stopUpstream } from '../util/abort.js';
import { CallContext, CallSignals } from '../util/call-signals.js';
import { isThenable } from '../util/deferred.js';
import { Inlet, type InletOwner } from './inlet.js';
import { CALL, OpState, SKIP } from './op-state.js';
import { FILTER, MAP, TAP, type Op } from './ops.js';
import type { Callback } from './types.js';
import { Outlet, type OutletOwner } from './outlet.js';
import { abortReason, END, reasonOf, RETURN, stopOutcome, type Outcome } from './outcome.js';
import type { SegmentMeter } from './segment-meter.js';
import { CALLING, CLOSED, CLOSING, IDLE, listenToStops, NO_REMOVALS, PULLING } from './segment-options.js';
import type { SegmentOptions } from './segment-options.js';

/**
 * A run of fused stages (`map`, `filter`, `tap`, `take`, `scan`, `drop`, `takeWhile`, `dropWhile`)
 * between one inlet and one outlet: the ops run inline while callbacks return plain values and
 * suspend only on a promise. Every way it ends goes through `close()`: listeners removed, the owned
 * signal aborted, an in-flight callback waited for, the inlet closed, the outlet ended.
 */
export class Segment<T> implements OutletOwner, InletOwner<unknown> {
  readonly outlet: Outlet<T>;
  readonly inlet: Inlet<unknown>;
  protected readonly calls: CallSignals;
  protected readonly ops: readonly Op[];
  protected readonly state: OpState;
  phase = IDLE;
  private started = false;
  /** The value an async filter or tap is deciding on, and where the ops resume. */
  private held: unknown;
  resumeAt = 0;
  pendingCall: CallContext | undefined;
  protected meter: SegmentMeter | undefined; // set by `MeteredSegment`, in a metered pipeline only
  private failedOp: number | undefined;
  private removeListeners = NO_REMOVALS;
  /** How a callback's promise resumes the ops: made on the first one, most runs of fused ops have none. */
  private handlers: [(out: unknown) => void, (error: unknown) => void] | undefined;
  private resumeClose: (() => void) | undefined; // once the callback cleanup waits for settled
  private closing: Promise<void> | undefined;
  private owned: AbortController | undefined;
  private readonly ownedSignal = (): AbortSignal => (this.owned ??= new AbortController()).signal;

  constructor(
    upstream: AsyncIterable<unknown>,
    private readonly options: SegmentOptions,
  ) {
    this.ops = options.ops;
    this.state = new OpState(options.ops);
    this.outlet = new Outlet<T>(this, options.label);
    this.owned = options.owned;
    this.inlet = new Inlet(upstream, this.ownedSignal, this, options.label);
    this.calls = new CallSignals(this.ownedSignal, `${options.label} callbacks`);
  }

  demand(): void {
    if (this.phase !== IDLE) return;
    if (!this.started && !this.start()) return;
    this.again();
  }

  stop(abort?: { reason: unknown }): Promise<void> {
    if (abort) return this.close({ kind: 'abort', reason: abort.reason });
    // Inside an abort's dispatch, a reader's return() may arrive before this segment's own
    // listener has run: the abort still decides how the segment ends.
    const aborted = this.options.stopSignals.find((signal) => signal.aborted);
    return this.close(aborted ? stopOutcome(aborted) : RETURN);
  }

  onItem(value: unknown): boolean | void {
    if (this.phase >= CLOSING) return; // answered during cleanup: nobody asked for it any more
    this.phase = IDLE;
    return this.run(value, 0);
  }

  onEnd(): void {
    if (this.phase >= CLOSING) return;
    this.phase = IDLE;
    void this.close(END);
  }

  onError(error: unknown): void {
    if (this.phase >= CLOSING) return;
    this.meter?.sourceFailed();
    this.options.run?.failed(this, -1, error);
    this.phase = IDLE;
    void this.close({ kind: 'error', error });
  }

  /** First demand: an aborted signal ends the segment before the source is touched. */
  private start(): boolean {
    this.started = true;
    const { stopSignals, label } = this.options;
    this.options.final?.start();
    const removals = listenToStops(stopSignals, label, (outcome) => void this.close(outcome));
    if (removals === undefined) return false;
    this.removeListeners = removals;
    return true;
  }

  /** Runs the fused ops from `from` on, suspending on a promise; true: pull the next item now. */
  protected run(value: unknown, from: number): boolean | void {
    const { ops, state } = this;
    for (let i = from; i < ops.length; i++) {
      const op = ops[i]!;
      const kind = op.kind;
      // map, filter and tap, the hot path, run inline; the other kinds keep their state in OpState.
      const plain = kind === MAP || kind === FILTER || kind === TAP;
      if (!plain) {
        const next = state.step(i, value);
        if (next === SKIP) return this.wantsNext();
        if (next !== CALL) continue;
      }
      const context = new CallContext(state.nextIndex(i), this.calls);
      let out: unknown;
      this.phase = CALLING; // a callback that ends its own pipeline is waited for by cleanup
      try {
        out = plain ? (op.fn as Callback<unknown, unknown>)(value, context) : state.call(i, value, context);
      } catch (error) {
        context.settle();
        if (this.phase !== CALLING) return this.settledWhileClosing();
        this.phase = IDLE;
        return this.failed(i, error);
      }
      if (isThenable(out)) return this.suspend(out, value, i, context);
      context.settle();
      if (this.phase !== CALLING) return this.settledWhileClosing();
      this.phase = IDLE;
      if (kind === MAP) value = out;
      else if (kind === FILTER) {
        if (!out) return this.wantsNext();
      } else if (kind !== TAP) {
        value = state.settled(i, value, out);
        if (value === SKIP) return this.wantsNext();
      }
    }
    return this.outlet.push(value as T) && this.wantsNext();
  }

  /** Op `i`'s callback failed: the segment ends with its error. */
  protected failed(i: number, error: unknown): void {
    if (this.meter !== undefined) this.meter.ops[(this.failedOp = i)]!.errors++;
    this.options.run?.failed(this, i, error);
    void this.close({ kind: 'error', error });
  }

  /** The reader still waits (or a value was filtered out): true if the next item is to be pulled now. */
  protected wantsNext(): boolean {
    if (this.phase !== IDLE) return false;
    if (this.state.reached) {
      void this.close(END);
      return false;
    }
    this.phase = PULLING;
    return true;
  }

  /** Pulls for the waiting reader, if it still wants the next item. */
  protected again(): void {
    if (this.wantsNext()) this.inlet.pull();
  }

  protected suspend(pending: PromiseLike<unknown>, value: unknown, at: number, context: CallContext): void {
    this.held = value;
    this.resumeAt = at;
    this.pendingCall = context;
    const handlers = (this.handlers ??= [
      (out) => this.callbackSettled(out),
      (error) => this.callbackFailed(error),
    ]);
    Promise.resolve(pending).then(handlers[0], handlers[1]);
  }

  protected callbackSettled(out: unknown): void {
    this.pendingCall!.settle();
    if (this.phase !== CALLING) return this.settledWhileClosing();
    const value = this.state.settled(this.resumeAt, this.held, out);
    this.held = undefined;
    this.phase = IDLE;
    if (value === SKIP) return this.again();
    if (this.meter !== undefined) this.meter.outs[this.resumeAt]++;
    if (this.run(value, this.resumeAt + 1) === true) this.inlet.pull();
  }

  protected callbackFailed(error: unknown): void {
    this.pendingCall!.settle();
    if (this.phase !== CALLING) return this.settledWhileClosing();
    this.phase = IDLE;
    this.failed(this.resumeAt, error);
  }

  protected settledWhileClosing(): void {
    const resume = this.resumeClose;
    this.resumeClose = undefined;
    resume?.();
  }

  /** Ends the segment once, whatever ended it; every path of cleanup goes through here. */
  private close(outcome: Outcome): Promise<void> {
    this.closing ??= this.cleanup(outcome);
    return this.closing;
  }

  private async cleanup(outcome: Outcome): Promise<void> {
    const interrupted = this.phase;
    this.phase = CLOSING;
    for (const remove of this.removeListeners) remove();
    this.removeListeners = NO_REMOVALS;
    if (this.owned) stopUpstream(this.owned, reasonOf(outcome), outcome.kind === 'abort');
    this.calls.dispose();
    // An in-flight callback was told by its signal; cleanup waits for it, never for a source.
    if (interrupted === CALLING) await new Promise<void>((resume) => (this.resumeClose = resume));
    const closeError = await this.inlet.close(outcome.kind === 'abort', abortReason(outcome));
    this.phase = CLOSED;
    this.meter?.finish(outcome, closeError, this.failedOp);
    this.options.final?.end(outcome, closeError);
    this.outlet.end(outcome, closeError);
  }
}
