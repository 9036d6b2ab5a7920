import type { Reject, Resolve } from './brand.js';

/** What a `NextReader` needs of its outlet's queue of waiters. */
export interface WaiterQueue<T> {
  enqueue(resolve: Resolve<T>, reject: Reject): void;
  /** Puts a promise's handlers where the stand-in of a `next()` still waits (the head). */
  replaceHead(resolve: Resolve<T>, reject: Reject): void;
}

/**
 * The handlers an outlet's `next()` uses, made once per outlet. A `next()` with nobody ahead first
 * asks the owner with stand-in handlers: answered at once, it returns a settled promise, with no
 * resolving functions made (a `new Promise` makes two per call, the bulk of a hand-over's garbage);
 * not answered, a promise's own handlers replace the stand-ins. After a miss (the owner's values
 * come later, from an async source) reads take the plain path until one of them is answered at
 * once: switching paths on every read cost more than either path.
 */
export class NextReader<T> {
  private answer: Promise<IteratorResult<T>> | undefined;
  /** Whether the next read tries the stand-ins. */
  worthTrying = true;

  constructor(private readonly queue: WaiterQueue<T>) {}

  readonly enqueue = (resolve: Resolve<T>, reject: Reject): void => this.queue.enqueue(resolve, reject);
  readonly replace = (resolve: Resolve<T>, reject: Reject): void => this.queue.replaceHead(resolve, reject);
  readonly resolveNow: Resolve<T> = (result) => void (this.answer = Promise.resolve(result));
  readonly rejectNow: Reject = (error) => void (this.answer = Promise.reject(error));

  /** The answer the stand-ins got, taken once; undefined if they still wait (a miss). */
  answered(): Promise<IteratorResult<T>> | undefined {
    const answer = this.answer;
    if (answer === undefined) this.worthTrying = false;
    this.answer = undefined;
    return answer;
  }
}
