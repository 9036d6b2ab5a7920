import type { Settle } from './message.js';

/** One message as a broker adapter read it, before the source wraps it as a `Message`. */
export interface Delivery<T> {
  readonly id: string;
  readonly value: T;
  readonly deliveries: number;
  readonly settle: Settle;
}

/**
 * What a broker adapter gives `brokerSource`: reads on its own connection or consumer, opened
 * when the source is first read and closed once when it stops.
 */
export interface Reader<T> {
  /**
   * Up to `max` deliveries (none is fine: the source asks again). It must settle soon after
   * `signal` aborts, which happens on a hard stop and on a drain.
   */
  read(max: number, signal: AbortSignal): Promise<Delivery<T>[]>;
  /** After a drain: what was already taken from the broker and not yet handed over. */
  rest(): Promise<Delivery<T>[]>;
  /** Lets go of the connection or consumer at once; the promise settles when it is gone. */
  close(): Promise<void>;
}
