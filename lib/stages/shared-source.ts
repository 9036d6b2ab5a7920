import { DONE } from '../core/brand.js';
import { Inlet, type InletOwner } from '../core/inlet.js';

interface Waiter<T> {
  readonly token: object;
  readonly resolve: (result: IteratorResult<T>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One source read by a succession of children (the stages `supervise` restarts), through one
 * inlet. Each child gets its own view: the view's `return()` closes the view, not the source, so a
 * restart goes on where the last child stopped. The source is pulled once at a time: a pull a child
 * was abandoned in is kept and its answer handed to the next child, so its item is not lost.
 */
export class SharedSource<T> implements InletOwner<T> {
  private readonly inlet: Inlet<T>;
  private waiter: Waiter<T> | undefined;
  /** An answer that came while no child was waiting for it. */
  private unread: IteratorResult<T> | undefined;
  private ended = false;
  /** The last item the current child read, until the child yields or reads again. */
  private inFlight: { value: T } | undefined;
  private current: object | undefined;
  /** Set once the source itself failed: that error is not the child's, and is not retried. */
  failed: { error: unknown } | undefined;
  /** Told when the current child starts (true) and stops (false) waiting on the source. */
  onRead: ((reading: boolean) => void) | undefined;

  constructor(source: AsyncIterable<T>, signal: AbortSignal, label: string) {
    this.inlet = new Inlet(source, signal, this, label);
  }

  /** A view for a new child, which first re-reads the item in flight when `replay` is set. */
  view(replay: boolean): AsyncIterable<T> {
    const token = {};
    this.current = token;
    let again = replay ? this.inFlight : undefined;
    this.inFlight = again;
    let closed = false;
    const next = (): Promise<IteratorResult<T>> => {
      if (closed || this.current !== token) return Promise.resolve(DONE);
      if (again) {
        const { value } = again;
        again = undefined;
        return Promise.resolve({ done: false, value });
      }
      this.inFlight = undefined;
      if (this.failed) return Promise.reject(this.failed.error);
      const unread = this.unread;
      if (unread !== undefined) {
        this.unread = undefined;
        if (!unread.done) this.inFlight = { value: unread.value };
        return Promise.resolve(unread);
      }
      if (this.ended) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        this.waiter?.resolve(DONE); // a child let go of while it waited hears nothing more
        this.waiter = { token, resolve, reject };
        this.onRead?.(true);
        this.inlet.pull();
      });
    };
    const close = (): Promise<IteratorResult<T>> => {
      closed = true;
      if (this.waiter?.token === token) {
        this.waiter.resolve(DONE);
        this.waiter = undefined;
      }
      return Promise.resolve(DONE);
    };
    return { [Symbol.asyncIterator]: () => ({ next, return: close }) };
  }

  onItem(value: T): void {
    this.answer({ done: false, value });
  }

  onEnd(): void {
    this.ended = true;
    this.answer(DONE);
  }

  onError(error: unknown): void {
    this.failed = { error };
    const waiter = this.take();
    waiter?.reject(error);
  }

  /** The current child yielded: the item it read is no longer in flight. */
  answered(): void {
    this.inFlight = undefined;
  }

  /** Closes the real source, once no child will read it again; the error its `return()` threw. */
  close(abort: boolean): Promise<{ error: unknown } | undefined> {
    this.current = undefined;
    return this.inlet.close(abort);
  }

  private answer(result: IteratorResult<T>): void {
    const waiter = this.take();
    if (waiter === undefined) {
      if (!result.done) this.unread = result;
      return;
    }
    if (!result.done) this.inFlight = { value: result.value };
    waiter.resolve(result);
  }

  private take(): Waiter<T> | undefined {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) return undefined;
    if (waiter.token === this.current) this.onRead?.(false);
    else {
      waiter.resolve(DONE);
      return undefined;
    }
    return waiter;
  }
}
