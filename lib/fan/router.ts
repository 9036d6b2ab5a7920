import { from } from '../core/from.js';
import { Inlet, type InletOwner } from '../core/inlet.js';
import { abortReason, END, reasonOf, RETURN, type Outcome } from '../core/outcome.js';
import type { Branch, Source } from '../core/types.js';
import { onAbort, stopUpstream } from '../util/abort.js';
import { captureStack, release, track, type Resource } from '../util/registry.js';
import { Outputs } from './outputs.js';
import { EMPTY, type Policy } from './policy.js';

export { EMPTY, type Policy };

/**
 * One source read by `n` outputs, the goroutine behind split and tee: one inlet, a routing policy
 * and `n` outlets. It opens the source on the first read of any output, pulls it one item at a
 * time when the policy wants one, and stops — source returned, listener removed — once every
 * output is done or the signal aborts.
 */
class Router<T> implements InletOwner<T> {
  readonly outputs: Outputs<T>;
  private readonly inlet: Inlet<T>;
  private readonly controller = new AbortController(); // the signal the source is given
  private started = false;
  private outcome: Outcome | undefined;
  /** A routing failure is returning the source: its error is held back until that is done. */
  private holding = false;
  private stopping: Promise<{ error: unknown } | undefined> | undefined;
  private removeListener: (() => void) | undefined;
  private resource: Resource | undefined;
  /** Where the user called tee or split, for a leak report. */
  private readonly builtAt = captureStack();

  constructor(
    source: AsyncIterable<T>,
    n: number,
    private readonly policy: Policy<T>,
    private readonly signal: AbortSignal | undefined,
    private readonly label: string,
  ) {
    this.inlet = new Inlet(source, this.controller.signal, this, label);
    this.outputs = new Outputs(n, label, (k) => ({
      demand: () => this.ask(k),
      stop: (abort) => this.leave(k, abort),
    }));
  }

  private ask(k: number): void {
    this.outputs.asked(k);
    this.service();
  }

  /** Runs after every change: hands out ready items, ends finished outputs, pulls on demand. */
  private service(): void {
    if (!this.started) this.start();
    const { outputs } = this;
    outputs.deliver(this.policy);
    const outcome = this.outcome;
    if (outcome !== undefined) {
      if (this.holding) return;
      for (let k = 0; k < outputs.outlets.length; k++) {
        if (!outputs.done[k] && (outputs.outlets[k].waiting || outcome.kind === 'abort'))
          this.finish(k, outcome);
      }
    } else if (!this.inlet.pulling && this.policy.wantsPull(outputs.anyWaiting(), outputs.isWaiting)) {
      this.inlet.pull();
    }
  }

  private start(): void {
    this.started = true;
    if (this.signal?.aborted) {
      // Already aborted: every output rejects, and the source is never touched.
      this.outcome = { kind: 'abort', reason: this.signal.reason };
      void this.stop();
      return;
    }
    this.resource = track('stage', this.label, { detail: this.outputs.unread, stack: this.builtAt });
    if (this.signal) this.removeListener = onAbort(this.signal, this.abort, this.label);
  }

  onItem(value: T): void {
    try {
      this.policy.accept(value);
    } catch (error) {
      // A routing failure: the source is still open, so return it before anyone hears the error.
      this.outcome = { kind: 'error', error };
      this.holding = true;
      void this.stop().then(() => {
        this.holding = false;
        this.service();
      });
    }
    this.service();
  }

  onEnd(): void {
    this.outcome = END;
    this.service();
  }

  onError(error: unknown): void {
    this.outcome = { kind: 'error', error };
    this.service();
  }

  private readonly abort = (): void => {
    this.outcome = { kind: 'abort', reason: this.signal!.reason };
    this.policy.clear();
    this.service();
    void this.stop();
  };

  /** Ends output `k`: the outlet applies the delivery rule to its waiting readers. */
  private finish(k: number, outcome: Outcome, closeError?: { error: unknown }): void {
    const { outputs } = this;
    outputs.done[k] = true;
    outputs.live--;
    outputs.outlets[k].end(outcome, closeError);
    if (outputs.live === 0) void this.stop();
  }

  /** Output k was returned: it stops holding the others back; the last one stops the router. */
  private async leave(k: number, abort?: { reason: unknown }): Promise<void> {
    const { outputs } = this;
    if (outputs.done[k]) return;
    this.policy.leave(k);
    const ending: Outcome = abort ? { kind: 'abort', reason: abort.reason } : RETURN;
    if (outputs.live > 1 || !this.started) {
      this.finish(k, ending);
      if (outputs.live > 0) this.service();
      return;
    }
    // The last output: served nothing more from now on, and ended once the source is closed. Its
    // reader's abort (a pipeline reading it was aborted) lets go of the source at once.
    outputs.done[k] = true;
    outputs.live--;
    if (abort && this.outcome === undefined) this.outcome = ending;
    const failure = await this.stop();
    outputs.outlets[k].end(ending, this.outcome ? undefined : failure);
  }

  /** Closes the source once; a routing failure or the last output may be the first to ask. */
  private stop(): Promise<{ error: unknown } | undefined> {
    this.stopping ??= (async () => {
      this.removeListener?.();
      const abort = this.outcome?.kind === 'abort';
      stopUpstream(this.controller, this.outcome ? reasonOf(this.outcome) : reasonOf(RETURN), abort);
      const failure = await this.inlet.close(abort, this.outcome && abortReason(this.outcome));
      release(this.resource);
      return failure;
    })();
    return this.stopping;
  }
}

/** Starts nothing: the router opens `source` on the first next() of any of the `n` outputs. */
export function route<T>(
  source: Source<T>,
  n: number,
  policy: Policy<T>,
  signal: AbortSignal | undefined,
  label: string,
): Branch<T>[] {
  return new Router(from(source), n, policy, signal, label).outputs.outlets;
}

export type { Branch };
