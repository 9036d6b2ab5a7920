import type { Received } from '../core/types.js';
import { onAbort } from '../util/abort.js';
import type { ChannelClosedError } from '../core/errors.js';
import {
  completesNow,
  handOver,
  later,
  type Claim,
  type Failure,
  type Receiver,
  type Waiter,
  type WaiterQueue,
} from './hand-over.js';

/**
 * The waiters a channel queues: a blocked `send` or `receive` (each its own claim), and the send
 * and receive cases of a `select` (sharing the select's claim).
 */

/** What a send case of `select` wins with. */
export const SENT = Object.freeze({ value: undefined, ok: true as const });

export interface Sender<T> extends Waiter {
  readonly value: T;
  taken(): void;
  fail(error: ChannelClosedError): void;
}

/** The waiter of a `send` that could not complete at once; it is its own claim. */
export class SendWaiter<T> implements Sender<T>, Claim {
  claimed = false;
  readonly claim: Claim = this;
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  removeListener: (() => void) | undefined = undefined;
  constructor(
    readonly value: T,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
  ) {}
  taken(): void {
    this.removeListener?.();
    if (completesNow()) this.resolve();
    else later(this.resolve);
  }
  fail(error: ChannelClosedError): void {
    this.removeListener?.();
    handOver(() => this.reject(error));
  }
}

/** The waiter of a `receive` that could not complete at once; it is its own claim. */
export class ReceiveWaiter<T> implements Receiver<T>, Claim {
  claimed = false;
  readonly claim: Claim = this;
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  removeListener: (() => void) | undefined = undefined;
  constructor(
    readonly resolve: (outcome: Received<T>) => void,
    readonly reject: (error: unknown) => void,
  ) {}
  deliver(value: T): void {
    this.#settle(() => this.resolve({ value, ok: true }));
  }
  finish(failure?: Failure): void {
    if (failure) this.#settle(() => this.reject(failure.error));
    else this.#settle(() => this.resolve({ value: undefined, ok: false }));
  }
  #settle(notify: () => void): void {
    this.removeListener?.();
    if (completesNow()) notify();
    else later(notify);
  }
}

/** A receive case of a `select`, sharing the select's claim. */
export class CaseReceiver<T> implements Receiver<T> {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  constructor(
    readonly claim: Claim,
    readonly settle: (outcome: Received<T> | Failure) => void,
  ) {}
  deliver(value: T): void {
    this.settle({ value, ok: true });
  }
  finish(failure?: Failure): void {
    this.settle(failure ?? { value: undefined, ok: false });
  }
}

/** A send case of a `select`, sharing the select's claim. */
export class CaseSender<T> implements Sender<T> {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  constructor(
    readonly claim: Claim,
    readonly value: T,
    readonly settle: (outcome: typeof SENT | Error) => void,
  ) {}
  taken(): void {
    this.settle(SENT);
  }
  fail(error: ChannelClosedError): void {
    this.settle(error);
  }
}

/** Claims every waiter first, then returns them in order, so settling one cannot disturb the rest. */
export function takeAll<W extends Waiter>(waiters: WaiterQueue<W>): W[] {
  const taken: W[] = [];
  for (let waiter = waiters.take(); waiter; waiter = waiters.take()) taken.push(waiter);
  return taken;
}

/** Queues a waiting send or receive; its signal's abort withdraws it and rejects with the reason. */
export function enlist<Q extends Waiter>(
  queue: WaiterQueue<Q>,
  waiter: Q & (SendWaiter<any> | ReceiveWaiter<any>),
  signal: AbortSignal | undefined,
): void {
  queue.push(waiter);
  if (signal === undefined) return;
  waiter.removeListener = onAbort(
    signal,
    () => {
      waiter.claimed = true;
      queue.remove(waiter);
      waiter.reject(signal.reason);
    },
    'channel wait',
  );
}

export type { Received };
