import { nextResourceId, openScope } from '../util/registry.js';
import { installTimeSource } from '../util/timers.js';
import { assertDuration } from '../util/validate.js';
import { findDeadlock, ledgerState } from './deadlock.js';
import { settle } from './leak-check.js';

interface Due {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
  readonly label: string;
}

/** More timer firings than this in one `runAll()` is a timer that rearms itself forever. */
const RUN_ALL_LIMIT = 100_000;

/**
 * Virtual time for every timer sluice sets (`after`, `interval`, `retry`'s delays, `rateLimit`,
 * `RateLimiter`, `batch`'s `maxWait`, `heartbeat`, `supervise`, `parallelMap`'s and
 * `withTimeout`'s timeouts, `debounce`, `throttle`…), from its installation until it is disposed.
 * Time stands still until `advance` or `runAll` moves it. Timers and I/O outside sluice
 * (`setTimeout` in your own code, sockets, files) keep running on real time.
 *
 * @example
 * using clock = useTestClock();
 * const ticks = collect(pipe(interval(1_000), take(3)));
 * await clock.advance(3_000);
 * expect(await ticks).toEqual([0, 1, 2]);
 */
export class TestClock implements Disposable {
  #now = 0;
  #nextId = 1;
  readonly #due = new Map<number, Due>();
  readonly #uninstall: () => void;
  readonly #closeScope: () => void;
  /** Deadlocks are looked for among what started once the clock was installed. */
  readonly #firstId = nextResourceId();

  constructor() {
    this.#uninstall = installTimeSource({
      set: (fn, ms, label) => {
        const id = this.#nextId++;
        this.#due.set(id, { id, at: this.#now + Math.max(0, ms), fn, label });
        return id;
      },
      clear: (handle) => void this.#due.delete(handle as number),
      now: () => this.#now,
    });
    // The ledger records only inside a scope; deadlock detection reads it.
    this.#closeScope = openScope();
  }

  /** Virtual milliseconds since the clock was installed. */
  get now(): number {
    return this.#now;
  }

  /** How many sluice timers are set and have not fired. */
  get pending(): number {
    return this.#due.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer due by then in time order (those due at the
   * same time in the order they were set), and lets promise reactions and real immediate turns
   * settle after each, so a timer set by a reaction fires in the same call if it falls due.
   * Rejects with a `DeadlockError` if, at the end, sluice work waits and nothing can move it.
   */
  async advance(ms: number): Promise<void> {
    assertDuration('ms', ms);
    const until = this.#now + ms;
    await settle();
    for (let due = this.#next(until); due; due = this.#next(until)) await this.#fire(due);
    this.#now = until;
    await this.#checkDeadlock();
  }

  /**
   * Fires timers in time order, moving time to each, until none is pending; then, like
   * `advance`, rejects with a `DeadlockError` if sluice work still waits. A timer that rearms
   * itself forever (an `interval` nobody stops) makes it throw after 100 000 firings.
   */
  async runAll(): Promise<void> {
    await settle();
    for (let fired = 0; ; fired++) {
      const due = this.#next(Infinity);
      if (!due) break;
      if (fired === RUN_ALL_LIMIT)
        throw new Error(
          `runAll: still firing timers after ${RUN_ALL_LIMIT} (last: ${due.label}); use advance(ms)`,
        );
      await this.#fire(due);
    }
    await this.#checkDeadlock();
  }

  /** Gives sluice its real timers back; timers still pending on this clock never fire. */
  uninstall(): void {
    this.#uninstall();
    this.#closeScope();
    this.#due.clear();
  }

  /** `uninstall()`, for `using clock = useTestClock()`. */
  [Symbol.dispose](): void {
    this.uninstall();
  }

  #next(until: number): Due | undefined {
    let first: Due | undefined;
    for (const due of this.#due.values()) {
      if (due.at <= until && (first === undefined || due.at < first.at)) first = due;
    }
    return first;
  }

  async #fire(due: Due): Promise<void> {
    this.#due.delete(due.id);
    this.#now = Math.max(this.#now, due.at);
    due.fn();
    await settle();
  }

  async #checkDeadlock(): Promise<void> {
    // Nothing pending on the clock: if sluice work waits, and a few more real turns change
    // nothing in the ledger, no timer and no sluice work can ever move it.
    for (let turn = 0; turn < 1000; turn++) {
      if (this.#due.size > 0) return;
      const before = ledgerState(this.#firstId);
      await settle(4);
      if (this.#due.size > 0) return;
      if (ledgerState(this.#firstId) !== before) continue;
      const deadlock = findDeadlock(this.#firstId);
      if (deadlock) throw deadlock;
      return;
    }
  }
}

/**
 * Installs a `TestClock` and returns it; dispose of it (`using clock = useTestClock()`, or
 * `clock.uninstall()` in an `afterEach`) to give sluice its real timers back.
 *
 * @example
 * import { useTestClock } from 'sluice/testing';
 * using clock = useTestClock();
 * const done = retry(flakyCall, { retries: 3, delay: 60_000 });
 * await clock.advance(60_000); // the first retry, a virtual minute later
 */
export function useTestClock(): TestClock {
  return new TestClock();
}
