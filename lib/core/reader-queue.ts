import { Fifo } from '../util/fifo.js';
import type { Reject, Resolve } from './brand.js';

interface Waiter<T> {
  readonly resolve: Resolve<T>;
  readonly reject: Reject;
}

/**
 * The readers an outlet owes an answer, oldest first: the oldest in fields (the hot path, one
 * reader at a time), the ones that overlapped it in a queue made only when a reader overlaps.
 */
export class ReaderQueue<T> {
  protected headResolve: Resolve<T> | undefined = undefined;
  protected headReject: Reject | undefined = undefined;
  private behind: Fifo<Waiter<T>> | undefined = undefined;

  /** Whether a reader waits for a value (a consuming sink always does). */
  get waiting(): boolean {
    return this.headResolve !== undefined;
  }

  /** Whether readers overlap the oldest. */
  protected get crowded(): boolean {
    return this.behind !== undefined && this.behind.length > 0;
  }

  /** @internal */
  enqueue(resolve: Resolve<T>, reject: Reject): void {
    if (this.headResolve === undefined) {
      this.headResolve = resolve;
      this.headReject = reject;
    } else (this.behind ??= new Fifo()).push({ resolve, reject });
  }

  /** Puts a promise's handlers where a `next()`'s stand-ins wait, at the head (next-reader.ts). @internal */
  replaceHead(resolve: Resolve<T>, reject: Reject): void {
    this.headResolve = resolve;
    this.headReject = reject;
  }

  /** The oldest reader was answered: the next one moves up. */
  protected shiftHead(): void {
    const behind = this.behind;
    if (behind === undefined || behind.length === 0) this.headResolve = this.headReject = undefined;
    else {
      const next = behind.shift();
      this.headResolve = next.resolve;
      this.headReject = next.reject;
    }
  }
}
