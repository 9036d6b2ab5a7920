import { isThenable } from '../util/deferred.js';
import { describe } from '../util/validate.js';
import { DONE, OWN, REQUEST, type Reject, type Requestable, type Resolve } from './brand.js';

/**
 * A sync iterable read as `for await` reads one: a value that is a promise is awaited, and a
 * rejected one fails the iteration (the sync iterator is returned, as the current spec does).
 * Values that are not promises are handed to sluice's own readers at once, with no promise each.
 */
export class SyncSource<T> implements AsyncIterable<Awaited<T>> {
  declare readonly [OWN]: true;

  constructor(private readonly iterable: Iterable<T>) {}

  [Symbol.asyncIterator](): AsyncIterator<Awaited<T>> {
    return new SyncSourceIterator(this.iterable[Symbol.iterator]());
  }
}

class SyncSourceIterator<T> implements AsyncIterator<T>, Requestable<T> {
  declare readonly [OWN]: true;
  private finished = false;
  /** The handlers of a read waiting on a value that is a promise. */
  private waiting: { resolve: Resolve<T>; reject: Reject } | undefined;

  constructor(private readonly iterator: Iterator<unknown>) {}

  [REQUEST](resolve: Resolve<T>, reject: Reject): IteratorResult<T> | undefined {
    if (this.finished) return DONE;
    let value: unknown;
    try {
      const result = this.iterator.next();
      if (result === null || (typeof result !== 'object' && typeof result !== 'function'))
        throw new TypeError(`Expected the iterator's next() to give an object, got ${describe(result)}`);
      if (result.done) {
        this.finished = true;
        return DONE;
      }
      value = result.value;
    } catch (error) {
      this.finished = true;
      reject(error);
      return undefined;
    }
    if (!isThenable(value)) return { done: false, value: value as T };
    const waiting = (this.waiting = { resolve, reject });
    Promise.resolve(value).then(
      (settled) => {
        if (this.waiting !== waiting) return;
        this.waiting = undefined;
        resolve({ done: false, value: settled as T });
      },
      (error: unknown) => {
        if (this.waiting !== waiting) return;
        this.waiting = undefined;
        this.closeIterator();
        reject(error);
      },
    );
    return undefined;
  }

  next(): Promise<IteratorResult<T>> {
    return new Promise((resolve, reject) => {
      const ready = this[REQUEST](resolve, reject);
      if (ready !== undefined) resolve(ready);
    });
  }

  return(): Promise<IteratorResult<T>> {
    // A read waiting on a promise value is answered at once: exit never waits on that promise.
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(DONE);
    try {
      this.closeIterator();
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(DONE);
  }

  private closeIterator(): void {
    if (this.finished) return;
    this.finished = true;
    this.iterator.return?.();
  }
}

Object.defineProperty(SyncSource.prototype, OWN, { value: true });
Object.defineProperty(SyncSourceIterator.prototype, OWN, { value: true });
