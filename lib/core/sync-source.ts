import { isThenable } from '../util/deferred.js';
import { describe } from '../util/validate.js';
import { DONE, ENDED, OWN, PENDING, REQUEST, type Reject, type Requestable, type Resolve } from './brand.js';

/**
 * A sync iterable read as `for await` reads one: a value that is a promise is awaited, and a
 * rejected one fails the iteration (the sync iterator is returned, as the current spec does).
 * Values that are not promises are handed to sluice's own readers at once, with no promise each.
 */
export class SyncSource<T> implements AsyncIterable<Awaited<T>> {
  declare readonly [OWN]: true;

  /** A sync iterable, or (`range`) a span of numbers, counted as they are read. */
  constructor(private readonly iterable: Iterable<T> | Span) {}

  [Symbol.asyncIterator](): AsyncIterator<Awaited<T>> {
    const iterable = this.iterable;
    if (iterable instanceof Span)
      return new SyncSourceIterator(undefined, undefined, iterable.start, iterable.end);
    if (readsByIndex(iterable)) return new SyncSourceIterator<Awaited<T>>(undefined, iterable);
    return new SyncSourceIterator(iterable[Symbol.iterator](), undefined);
  }
}

/** The numbers from `start` up to `end` excluded: counted by the reader, with no generator to resume. */
export class Span {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

const ARRAY_VALUES = Array.prototype[Symbol.iterator];
const ARRAY_ITERATOR = Object.getPrototypeOf([][Symbol.iterator]()) as Iterator<unknown>;
const ARRAY_NEXT = ARRAY_ITERATOR.next;

/**
 * An array whose iteration nobody replaced is read by index, as its own iterator reads it (the
 * length read at each step, so values pushed meanwhile are seen): the same values in the same
 * order, without a result object per value.
 */
function readsByIndex(iterable: Iterable<unknown>): iterable is readonly unknown[] {
  return (
    Array.isArray(iterable) &&
    iterable[Symbol.iterator] === ARRAY_VALUES &&
    ARRAY_ITERATOR.next === ARRAY_NEXT
  );
}

interface Read<T> {
  readonly resolve: Resolve<T>;
  readonly reject: Reject;
}

class SyncSourceIterator<T> implements AsyncIterator<T>, Requestable<T> {
  declare readonly [OWN]: true;
  private finished = false;
  /** A read waiting on a value that is a promise, and the reads that overlapped it, in order. */
  private waiting: Read<T>[] | undefined;
  /** Reads `iterator`; or else `array` by index; or else counts from `at` up to `end`. */
  constructor(
    private readonly iterator: Iterator<unknown> | undefined,
    private readonly array: readonly unknown[] | undefined,
    private at = 0,
    private readonly end = 0,
  ) {}

  [REQUEST](resolve: Resolve<T>, reject: Reject): T | typeof PENDING | typeof ENDED {
    if (this.waiting !== undefined) {
      this.waiting.push({ resolve, reject }); // answered in order once the promise ahead settles
      return PENDING;
    }
    return this.read(resolve, reject);
  }

  next(): Promise<IteratorResult<T>> {
    return new Promise((resolve, reject) => {
      const ready = this[REQUEST](resolve, reject);
      if (ready !== PENDING) resolve(resultOf(ready));
    });
  }

  return(): Promise<IteratorResult<T>> {
    // Reads waiting on a promise value are answered at once: exit never waits on that promise.
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) for (const read of waiting) read.resolve(DONE);
    try {
      this.closeIterator();
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(DONE);
  }

  private read(resolve: Resolve<T>, reject: Reject): T | typeof PENDING | typeof ENDED {
    if (this.finished) return ENDED;
    let value: unknown;
    let pending: boolean;
    try {
      if (this.iterator === undefined) {
        const array = this.array;
        if (this.at >= (array === undefined ? this.end : array.length)) {
          this.finished = true;
          return ENDED;
        }
        // An index's getter may throw, as it would for the array's own iterator.
        value = array === undefined ? this.at++ : array[this.at++];
      } else {
        const result = this.iterator.next();
        if (result === null || (typeof result !== 'object' && typeof result !== 'function'))
          throw new TypeError(`Expected the iterator's next() to give an object, got ${describe(result)}`);
        if (result.done) {
          this.finished = true;
          return ENDED;
        }
        value = result.value;
      }
      pending = isThenable(value); // a throwing `then` getter fails the read like any other throw
    } catch (error) {
      this.finished = true;
      reject(error);
      return PENDING;
    }
    if (!pending) return value as T;
    const waiting: Read<T>[] = [{ resolve, reject }];
    this.waiting = waiting;
    Promise.resolve(value).then(
      (settled) => this.settled(waiting, { done: false, value: settled as T }),
      (error: unknown) => {
        if (this.waiting !== waiting) return;
        try {
          this.closeIterator();
        } catch {
          // The rejection is the failure the reader hears; a throwing return() adds nothing.
        }
        this.settled(waiting, undefined, error);
      },
    );
    return PENDING;
  }

  /** The promise ahead settled: answer its read, then the overlapping ones, one by one. */
  private settled(waiting: Read<T>[], result: IteratorResult<T> | undefined, error?: unknown): void {
    if (this.waiting !== waiting) return;
    this.waiting = undefined;
    const [first, ...rest] = waiting;
    if (result === undefined) first!.reject(error);
    else first!.resolve(result);
    for (let i = 0; i < rest.length; i++) {
      const read = rest[i]!;
      // A read may have met a promise again: the rest queue behind it.
      const again = this.waiting as Read<T>[] | undefined;
      if (again !== undefined) {
        again.push(...rest.slice(i));
        return;
      }
      const ready = this.read(read.resolve, read.reject);
      if (ready !== PENDING) read.resolve(resultOf(ready));
    }
  }

  private closeIterator(): void {
    if (this.finished) return;
    this.finished = true;
    this.iterator?.return?.();
  }
}

function resultOf<T>(ready: T | typeof ENDED): IteratorResult<T> {
  return ready === ENDED ? DONE : { done: false, value: ready as T };
}

Object.defineProperty(SyncSource.prototype, OWN, { value: true });
Object.defineProperty(SyncSourceIterator.prototype, OWN, { value: true });
