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

export interface BrokerIteratorOptions<T> {
  /** `fail`: the reader's way to stop the source when it fails between reads (heartbeats missed). */
  readonly open: (held: ReadonlyMap<string, unknown>, fail: (error: unknown) => void) => Reader<T>;
  /** Most messages read and not yet settled. */
  readonly count: number;
  /** On a hard stop, give back every unsettled message (`ack: 'auto'`), not only those never handed out. */
  readonly nakAll: boolean;
  /** Graceful stops: the option, and a `takeUntil` signal right after the source. */
  readonly drains: readonly (AbortSignal | undefined)[];
  /** The user's signal and the reading stage's. */
  readonly signals: readonly (AbortSignal | undefined)[];
  /**
   * Aborted once the whole pipeline has ended (`LeaseSource`): given it, a stop of the reading
   * stage that is not an abort is a `return()` (the stages below finish what they hold), and what
   * is unsettled when it aborts was not done: its signal aborts and it is given back.
   */
  readonly over?: AbortSignal | undefined;
}
