/** What `Policy.take` answers when no item is ready: no allocation per item. */
export const EMPTY: unique symbol = Symbol('empty');

/** How a router hands the source's items to its outputs: split's queues, tee's shared window. */
export interface Policy<T> {
  /** Whether the output that asked first takes the next item (split's default): outputs are then
   * served in the order they asked. */
  readonly firstAsker: boolean;
  /** The next item for output `k`, taken out of the policy's hands, or `EMPTY` if none is ready. */
  take(k: number): T | typeof EMPTY;
  /**
   * Whether to pull the source now. `anyWaiting`: some output has an unanswered next();
   * `isWaiting(k)`: output k has one.
   */
  wantsPull(anyWaiting: boolean, isWaiting: (k: number) => boolean): boolean;
  /** Routes a pulled item; a throw fails the router with that error. */
  accept(value: T): void;
  /** Output `k` was returned: drop what is held for it, stop waiting on it. */
  leave(k: number): void;
  /** Abort: drop everything. */
  clear(): void;
}
