import { getEventListeners, setMaxListeners } from 'node:events';
import { onAbort } from './abort.js';

/** One signal shared by the calls that run while it is current. */
export class Generation {
  readonly controller = new AbortController();
  live = 0;

  constructor() {
    // Concurrent calls may each hold a listener here; how many are left behind is bounded below.
    setMaxListeners(0, this.controller.signal);
  }
}

/**
 * Gives callbacks signals derived from their stage's signal through one listener, so that no
 * signal piles up listeners a callback left behind (`timers/promises` removes its own only when its
 * timer fires) and none ever raises `MaxListenersExceededWarning`, whatever the concurrency
 * (CONTRACT rule 4). An `AbortController` costs microseconds on Node 20, so calls share one while
 * they clean up after themselves: when a call settles and its signal holds more listeners than
 * there are calls still running on it, a call left some behind, and the next calls get a fresh
 * signal. The old one is dropped with its leftovers once its last call settles.
 */
export class CallSignals {
  private current: Generation | undefined;
  /** Retired or private signals with calls still running on them. */
  private others: Set<Generation> | undefined; // made by the first that needs it: most stages never do
  private removeListener: (() => void) | undefined;

  private resolved: AbortSignal | undefined;

  /**
   * `parent` may be a function that makes the stage's signal: it is called on the first call that
   * reads one. With `keepRetired`, a retired signal is kept until the parent aborts, even once its
   * calls have settled: a `Group` task's signal aborts with the group (Go's errgroup context), so
   * work a finished task left listening on it is told when the group ends.
   */
  constructor(
    private readonly parentOf: AbortSignal | (() => AbortSignal),
    private readonly label: string,
    private readonly keepRetired = false,
  ) {}

  private get parent(): AbortSignal {
    return (this.resolved ??= typeof this.parentOf === 'function' ? this.parentOf() : this.parentOf);
  }

  /** The signal for one call; pass what it returns to `close` once the call has settled. */
  open(): Generation {
    if (this.parent.aborted) return this.aborted();
    this.removeListener ??= onAbort(this.parent, this.abortAll, this.label);
    const generation = (this.current ??= new Generation());
    generation.live++;
    return generation;
  }

  /** A signal for one call alone, which that call may abort by itself (its own timeout). */
  openPrivate(): Generation {
    if (this.parent.aborted) return this.aborted();
    this.removeListener ??= onAbort(this.parent, this.abortAll, this.label);
    const generation = new Generation();
    generation.live = 1;
    (this.others ??= new Set()).add(generation);
    return generation;
  }

  close(generation: Generation): void {
    generation.live--;
    if (generation !== this.current) {
      if (generation.live === 0 && !this.keepRetired) this.others?.delete(generation);
      return;
    }
    if (getEventListeners(generation.controller.signal, 'abort').length <= generation.live) return;
    this.current = undefined;
    if (generation.live > 0 || this.keepRetired) (this.others ??= new Set()).add(generation);
  }

  /** The stage ended: the one listener on its signal goes. */
  dispose(): void {
    if (this.removeListener === undefined) return;
    this.removeListener();
    this.removeListener = undefined;
  }

  private aborted(): Generation {
    const generation = new Generation();
    generation.controller.abort(this.parent.reason);
    return generation;
  }

  private readonly abortAll = (): void => {
    this.removeListener = undefined;
    const reason = this.parent.reason;
    this.current?.controller.abort(reason);
    if (this.others !== undefined) for (const generation of this.others) generation.controller.abort(reason);
    this.current = undefined;
    this.others = undefined;
  };
}

const CALLS = Symbol('calls');
const GENERATION = Symbol('generation');
const SETTLED = Symbol('settled');

/**
 * What a callback receives beside its value. Its signal is looked up only when the callback reads
 * it, so a callback that ignores its signal costs nothing. One is made per call: its state is
 * assigned in the constructor under symbol keys (no field initializer to run, which the
 * interpreter pays on every one of a short pipeline's first thousands of calls), out of sight.
 */
export class CallContext {
  declare readonly index: number;
  declare private readonly [CALLS]: CallSignals;
  declare private [GENERATION]: Generation | undefined;
  declare private [SETTLED]: boolean;

  constructor(index: number, calls: CallSignals) {
    this.index = index;
    this[CALLS] = calls;
    this[GENERATION] = undefined;
    this[SETTLED] = false;
  }

  get signal(): AbortSignal {
    let generation = this[GENERATION];
    if (generation === undefined) {
      generation = this[GENERATION] = this[CALLS].open();
      // Read after the call settled (a closure kept it): it must not count as a call still running.
      if (this[SETTLED]) this[CALLS].close(generation);
    }
    return generation.controller.signal;
  }

  /** Aborts this call's signal alone (its own timeout): the call gets a signal of its own first. */
  abort(reason: unknown): void {
    this.isolate().controller.abort(reason);
  }

  /** Gives this call a signal no other call shares; call it before the callback runs. */
  isolate(): Generation {
    return (this[GENERATION] ??= this[CALLS].openPrivate());
  }

  /** The call settled. */
  settle(): void {
    this[SETTLED] = true;
    const generation = this[GENERATION];
    if (generation !== undefined) this[CALLS].close(generation);
  }
}
