import { from } from '../core/from.js';
import { Inlet, type InletOwner } from '../core/inlet.js';
import { Outlet } from '../core/outlet.js';
import { abortReason, END, reasonOf, RETURN, type Outcome } from '../core/outcome.js';
import type { Branch, Source } from '../core/types.js';
import { onAbort, stopUpstream } from '../util/abort.js';
import { captureStack, release, track, type Resource } from '../util/registry.js';
import { EMPTY, type Policy } from './policy.js';

export { EMPTY, type Policy };

const NOT_ASKED = Infinity;

/**
 * One source read by `n` outputs, the goroutine behind split and tee: one inlet, a routing policy
 * and `n` outlets. It opens the source on the first read of any output, pulls it one item at a
 * time when the policy wants one, and stops — source returned, listener removed — once every
 * output is done or the signal aborts. Outputs are served in the order they asked.
 */
class Router<T> implements InletOwner<T> {
  readonly outlets: Outlet<T>[];
  private readonly inlet: Inlet<T>;
  private readonly controller = new AbortController(); // the signal the source is given
  /** When each output's reader began to wait, to serve them in that order; NOT_ASKED if not. */
  private readonly askedAt: number[];
  private readonly done: boolean[];
  private seq = 0;
  private live: number;
  private started = false;
  private outcome: Outcome | undefined;
  /** A routing failure is returning the source: its error is held back until that is done. */
  private holding = false;
  private stopping: Promise<{ error: unknown } | undefined> | undefined;
  private removeListener: (() => void) | undefined;
  private resource: Resource | undefined;
  private readonly isWaiting = (k: number): boolean => this.outlets[k].waiting;
  /** Where the user called tee or split, for a leak report. */
  private readonly builtAt = captureStack();
  /** Which outputs were ever read, for a leak report. */
  private readonly read: boolean[];
  /** For a leak report: the outputs never read, which hold the source open. */
  private readonly undone = (): string | undefined => {
    const unread = this.outlets.flatMap((_, k) => (this.read[k] || this.done[k] ? [] : [k + 1]));
    const n = this.outlets.length;
    if (unread.length === 0) return undefined;
    if (unread.length === 1) return `output ${unread[0]} of ${n} was never read`;
    return `outputs ${unread.join(', ')} of ${n} were never read`;
  };

  constructor(
    source: AsyncIterable<T>,
    n: number,
    private readonly policy: Policy<T>,
    private readonly signal: AbortSignal | undefined,
    private readonly label: string,
  ) {
    this.inlet = new Inlet(source, this.controller.signal, this, label);
    this.askedAt = Array.from({ length: n }, () => NOT_ASKED);
    this.done = Array.from({ length: n }, () => false);
    this.read = Array.from({ length: n }, () => false);
    this.live = n;
    this.outlets = Array.from(
      { length: n },
      (_, k) =>
        new Outlet<T>(
          { demand: () => this.ask(k), stop: (abort) => this.leave(k, abort) },
          `${label} output ${k + 1} of ${n}`,
        ),
    );
  }

  private ask(k: number): void {
    this.read[k] = true;
    if (this.askedAt[k] === NOT_ASKED) this.askedAt[k] = this.seq++;
    this.service();
  }

  /** Runs after every change: hands out ready items, ends finished outputs, pulls on demand. */
  private service(): void {
    if (!this.started) this.start();
    this.deliver();
    const outcome = this.outcome;
    if (outcome !== undefined) {
      if (this.holding) return;
      for (let k = 0; k < this.outlets.length; k++) {
        if (!this.done[k] && (this.outlets[k].waiting || outcome.kind === 'abort')) this.finish(k, outcome);
      }
    } else if (!this.inlet.pulling && this.policy.wantsPull(this.anyWaiting(), this.isWaiting)) {
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
    this.resource = track('stage', this.label, { detail: this.undone, stack: this.builtAt });
    if (this.signal) this.removeListener = onAbort(this.signal, this.abort, this.label);
  }

  /** Serves waiting outputs in the order they asked, which is what split's first-asker mode needs. */
  private deliver(): void {
    const { outlets, askedAt, done, policy } = this;
    for (let served = true; served;) {
      served = false;
      // The waiting outputs oldest first, by successive scans: n is small, and this allocates nothing.
      for (let after = -1; ;) {
        let k = -1;
        for (let j = 0, oldest = NOT_ASKED; j < outlets.length; j++) {
          if (outlets[j].waiting && !done[j] && askedAt[j] > after && askedAt[j] < oldest) {
            oldest = askedAt[j];
            k = j;
          }
        }
        if (k < 0) break;
        after = askedAt[k];
        const value = policy.take(k);
        if (value === EMPTY) continue;
        askedAt[k] = outlets[k].push(value) ? this.seq++ : NOT_ASKED;
        served = true;
        break;
      }
    }
  }

  private anyWaiting(): boolean {
    for (let k = 0; k < this.outlets.length; k++) if (this.outlets[k].waiting && !this.done[k]) return true;
    return false;
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
    this.done[k] = true;
    this.live--;
    this.outlets[k].end(outcome, closeError);
    if (this.live === 0) void this.stop();
  }

  /** Output k was returned: it stops holding the others back; the last one stops the router. */
  private async leave(k: number, abort?: { reason: unknown }): Promise<void> {
    if (this.done[k]) return;
    this.policy.leave(k);
    const ending: Outcome = abort ? { kind: 'abort', reason: abort.reason } : RETURN;
    if (this.live > 1 || !this.started) {
      this.finish(k, ending);
      if (this.live > 0) this.service();
      return;
    }
    // The last output: served nothing more from now on, and ended once the source is closed. Its
    // reader's abort (a pipeline reading it was aborted) lets go of the source at once.
    this.done[k] = true;
    this.live--;
    if (abort && this.outcome === undefined) this.outcome = ending;
    const failure = await this.stop();
    this.outlets[k].end(ending, this.outcome ? undefined : failure);
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
  return new Router(from(source), n, policy, signal, label).outlets;
}

export type { Branch };
