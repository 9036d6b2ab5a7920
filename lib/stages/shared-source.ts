import { DONE, returnQuietly } from '../core/iterators.js';

/**
 * One source read by a succession of children (the stages `supervise` restarts). Each child gets
 * its own view: the view's `return()` closes the view, not the source, so a restart goes on where
 * the last child stopped. The source's `next()` is never called twice at once: a pull a child was
 * abandoned in is kept and handed to the next child, so its item is not lost.
 */
export class SharedSource<T> {
  /** The source's `next()` in flight (or settled but not yet taken by the current view). */
  private pending: Promise<IteratorResult<T>> | undefined;
  /** The last item the current child read, until the child yields or reads again. */
  private inFlight: { value: T } | undefined;
  private current: object | undefined;
  /** Set once the source itself failed: that error is not the child's, and is not retried. */
  failed: { error: unknown } | undefined;
  /** Told when the current child starts (true) and stops (false) waiting on the source. */
  onRead: ((reading: boolean) => void) | undefined;

  constructor(private readonly iterator: AsyncIterator<T>) {}

  /** A view for a new child, which first re-reads the item in flight when `replay` is set. */
  view(replay: boolean): AsyncIterable<T> {
    const token = {};
    this.current = token;
    let again = replay ? this.inFlight : undefined;
    this.inFlight = again;
    let closed = false;
    const next = async (): Promise<IteratorResult<T>> => {
      if (closed || this.current !== token) return DONE;
      if (again) {
        const { value } = again;
        again = undefined;
        return { done: false, value };
      }
      this.inFlight = undefined;
      const pending = (this.pending ??= this.iterator.next());
      this.onRead?.(true);
      try {
        const result = await pending;
        if (this.current === token) {
          this.pending = undefined;
          if (!result.done) this.inFlight = { value: result.value };
        }
        return result;
      } catch (error) {
        this.failed ??= { error };
        throw error;
      } finally {
        if (this.current === token) this.onRead?.(false);
      }
    };
    return {
      [Symbol.asyncIterator]: () => ({
        next,
        return: async () => {
          closed = true;
          return DONE;
        },
      }),
    };
  }

  /** The current child yielded: the item it read is no longer in flight. */
  answered(): void {
    this.inFlight = undefined;
  }

  /** Returns the real source, once no child will read it again. */
  async close(): Promise<void> {
    this.current = undefined;
    await returnQuietly(this.iterator);
  }
}
