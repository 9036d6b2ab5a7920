import { onAbort } from '../util/abort.js';
import { REQUEST, type Requestable } from '../core/cooperative.js';
import { returnQuietly } from '../core/iterators.js';

/**
 * The input side of a stage that reads its source in the background (`buffer`, `batch`): one
 * pull at a time, its outcome recorded, and a single wake-up for the stage's loop whenever a pull
 * settles or the signal aborts. The loop awaits `changed()` and reads the state; `close()` removes
 * the listener and returns a source that has not ended.
 */
export class Puller<T> {
  private readonly iterator: AsyncIterator<T>;
  /** The source is a sluice edge that takes handlers directly, with no promise per item. */
  private readonly requestable: boolean;
  private readonly removeListener: () => void;
  private wake: (() => void) | undefined;
  pulling = false;
  /** The source ended or failed: it is finished and is not returned. */
  ended = false;
  failure: { error: unknown } | undefined;
  private closed = false;

  constructor(source: AsyncIterable<T>, signal: AbortSignal, label: string) {
    this.iterator = source[Symbol.asyncIterator]();
    this.requestable = typeof (this.iterator as Partial<Requestable<T>>)[REQUEST] === 'function';
    this.removeListener = onAbort(signal, this.notify, label);
  }

  /** Pulls one item unless a pull is under way or the source is finished; `onValue` gets it. */
  pull(onValue: (value: T) => void): void {
    if (this.pulling || this.ended) return;
    this.pulling = true;
    this.onValue = onValue;
    if (this.requestable) (this.iterator as unknown as Requestable<T>)[REQUEST](this.onResult, this.onError);
    else this.iterator.next().then(this.onResult, this.onError);
  }

  private onValue: (value: T) => void = () => undefined;

  private readonly onResult = (result: IteratorResult<T>): void => {
    this.pulling = false;
    if (result.done) this.ended = true;
    else if (!this.closed) this.onValue(result.value); // after close() nobody may start work again
    this.notify();
  };

  private readonly onError = (error: unknown): void => {
    this.pulling = false;
    this.ended = true;
    this.failure = { error };
    this.notify();
  };

  /** Resolves at the next change: a pull settled, the signal aborted, or `notify()` was called. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  readonly notify = (): void => {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  };

  /** The input keeps the protocol, so its return() does not wait for a pull still pending on it. */
  async close(): Promise<void> {
    this.closed = true;
    this.removeListener();
    if (!this.ended) {
      this.ended = true;
      await returnQuietly(this.iterator);
    }
  }
}
