import { onAbort } from './abort.js';

/**
 * Gives every callback a signal of its own, derived from its stage's signal through one listener.
 * A callback may add a listener to its signal and never remove it (`timers/promises` does so until
 * its timer fires): on a per-call signal that listener dies with the call, instead of piling up on
 * a signal that lives as long as the pipeline, and no signal ever holds more than a handful of
 * listeners, whatever the concurrency (CONTRACT rule 4).
 */
export class CallSignals {
  private readonly live = new Set<AbortController>();
  private removeListener: (() => void) | undefined;

  constructor(
    private readonly parent: AbortSignal,
    private readonly label: string,
  ) {}

  /** A signal for one call; pass the controller to `close` once the call has settled. */
  open(): AbortController {
    const call = new AbortController();
    if (this.parent.aborted) {
      call.abort(this.parent.reason);
      return call;
    }
    this.removeListener ??= onAbort(this.parent, this.abortAll, this.label);
    this.live.add(call);
    return call;
  }

  /** The call settled: its signal is no longer aborted with the stage's. */
  close(call: AbortController): void {
    this.live.delete(call);
  }

  /** The stage ended: the one listener on its signal goes. */
  dispose(): void {
    this.removeListener?.();
    this.removeListener = undefined;
  }

  private readonly abortAll = (): void => {
    this.removeListener = undefined;
    const reason = this.parent.reason;
    for (const call of this.live) call.abort(reason);
    this.live.clear();
  };
}

/**
 * What a callback receives beside its value. Its signal is made only when the callback reads it,
 * so a callback that ignores its signal costs no controller.
 */
export class CallContext {
  readonly index: number;
  readonly #calls: CallSignals;
  #call: AbortController | undefined;

  constructor(index: number, calls: CallSignals) {
    this.index = index;
    this.#calls = calls;
  }

  get signal(): AbortSignal {
    return (this.#call ??= this.#calls.open()).signal;
  }

  /** Aborts this call's signal alone (its own timeout). */
  abort(reason: unknown): void {
    (this.#call ??= this.#calls.open()).abort(reason);
  }

  /** The call settled. */
  settle(): void {
    if (this.#call !== undefined) this.#calls.close(this.#call);
  }
}
