import { onAbort } from '../util/abort.js';
import { CallSignals, type Generation } from '../util/call-signals.js';
import { deferred, type Deferred } from '../util/deferred.js';
import { assertCount, assertFunction, assertOptions, assertSignal } from '../util/validate.js';
import type { SignalOptions, Task } from '../core/types.js';

export interface GroupOptions extends SignalOptions {
  /** Tasks that may run at once; `go()` waits for a slot beyond it (Go's `SetLimit`). @default Infinity */
  limit?: number | undefined;
}

/**
 * Go's `errgroup.WithContext` with `SetLimit`: runs tasks, waits for them all, and cancels the rest
 * on the first error. `group.signal` aborts with the first error (a task's synchronous throw counts
 * as one), with the parent `signal`'s reason when that aborts, and in any case once `wait()`
 * settles. `wait()` resolves when every task has settled, or rejects with the first error, but
 * only after every task has settled: nothing the group started outlives `wait()`. A task that
 * ignores its signal therefore delays `wait()`. Always call `wait()`: it removes the group's one
 * listener on the parent signal.
 *
 * @example
 * const group = new Group({ signal, limit: 4 });
 * for (const url of urls) await group.go((signal) => fetch(url, { signal }));
 * await group.wait();
 */
export class Group {
  /** Aborts on the first error, on the parent's abort, and once `wait()` settles. */
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #limit: number;
  readonly #queue: { task: Task; started: Deferred<void> }[] = [];
  #running = 0;
  #failure: { error: unknown } | undefined;
  #waiting: Deferred<void> | undefined;
  #settled = false;
  #removeListener: (() => void) | undefined;
  /** Each task gets a signal of its own, so listeners it leaves behind die with it. */
  readonly #calls: CallSignals;
  readonly #parent: AbortSignal | undefined;

  constructor(options: GroupOptions = {}) {
    assertOptions('options', options);
    const { signal, limit = Infinity } = options;
    assertSignal('signal', signal);
    assertCount('limit', limit, 1, true);
    this.#limit = limit;
    this.signal = this.#controller.signal;
    this.#calls = new CallSignals(this.signal, 'Group tasks', true);
    this.#parent = signal;
    const abort = (): void => this.#controller.abort(signal!.reason);
    if (signal?.aborted) abort();
    else if (signal) this.#removeListener = onAbort(signal, abort, 'Group');
  }

  /**
   * Runs `task(signal)`, its signal aborting with `group.signal`, and resolves once it has started: at once while fewer than `limit`
   * tasks run, else when a slot frees (callers are served in order). Tasks still start after an
   * error, with the aborted signal, as in Go. Throws an `Error` once `wait()` has settled.
   */
  go(task: Task): Promise<void> {
    assertFunction('task', task);
    if (this.#settled) throw new Error('Group.go called after wait() settled');
    if (this.#running < this.#limit) {
      this.#start(task);
      return Promise.resolve();
    }
    const started = deferred<void>();
    this.#queue.push({ task, started });
    return started.promise;
  }

  /** Resolves once every task has settled, or rejects with the first error after they all have. */
  wait(): Promise<void> {
    this.#waiting ??= deferred<void>();
    this.#check();
    return this.#waiting.promise;
  }

  #start(task: Task): void {
    this.#running++;
    const call = this.#calls.open();
    let result: unknown;
    try {
      result = task(call.controller.signal);
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      () => this.#finish(call),
      (error: unknown) => this.#finish(call, { error }),
    );
  }

  #finish(call: Generation, failure?: { error: unknown }): void {
    this.#calls.close(call);
    this.#running--;
    if (failure && !this.#failure) {
      // A task that fails once the parent aborted fails because of it (an AbortError from its
      // timer, say): wait() rejects with the parent's reason itself, as every wait does.
      this.#failure = this.#parent?.aborted ? { error: this.#parent.reason } : failure;
      this.#controller.abort(this.#failure.error);
    }
    const next = this.#queue.shift();
    if (next) {
      this.#start(next.task);
      next.started.resolve();
    }
    this.#check();
  }

  #check(): void {
    const waiting = this.#waiting;
    if (!waiting || this.#settled || this.#running > 0 || this.#queue.length > 0) return;
    this.#settled = true;
    this.#removeListener?.();
    this.#removeListener = undefined;
    this.#controller.abort(new DOMException('The group has finished', 'AbortError'));
    this.#calls.dispose();
    if (this.#failure) waiting.reject(this.#failure.error);
    else waiting.resolve();
  }
}

export type { Task };
