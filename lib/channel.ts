import { ChannelClosedError } from './errors.js';
import { channelIterator } from './internal/channel-iterator.js';
import { OPERATION, wait, type Claim, type Operation } from './internal/hand-over.js';
import { COOPERATIVE } from './internal/cooperative.js';
import { assertCount } from './internal/validate.js';
import type { SignalOptions } from './types.js';

/** What `receive` resolves: a value, or `ok: false` once the channel is closed and drained. */
export type Received<T> = { value: T; ok: true } | { value: undefined; ok: false };

/** A `select` case made by `channel.receiving()`: wins with what `receive` would resolve. */
export interface ReceiveCase<T> {
  readonly kind: 'receive';
  readonly [OPERATION]: Operation<Received<T>>;
}

/** A `select` case made by `channel.sending(value)`: wins once the value is taken or buffered. */
export interface SendCase<T> {
  readonly kind: 'send';
  readonly value: T;
  readonly [OPERATION]: Operation<{ value: undefined; ok: true }>;
}

interface Waiter {
  readonly claim: Claim;
}
interface Receiver<T> extends Waiter {
  settle(outcome: Received<T>): void;
}
interface Sender<T> extends Waiter {
  readonly value: T;
  settle(outcome: { value: undefined; ok: true } | ChannelClosedError): void;
}

const SENT = Object.freeze({ value: undefined, ok: true as const });

/**
 * Go's `chan T`: a bounded queue between tasks. Waiting senders and receivers are served first in,
 * first out. With `capacity` 0 (the default) a send waits for a receiver (a rendezvous); otherwise
 * up to `capacity` values wait in the buffer. Only callers that are blocked wait beyond it, so
 * memory is bounded by the capacity plus one value per blocked sender.
 *
 * `close()` lets receivers drain the buffer, then they get `{ value: undefined, ok: false }`;
 * senders still waiting reject with `ChannelClosedError`, as do later sends and a second close.
 * A `send` or `receive` whose signal aborts takes and delivers nothing and rejects with
 * `signal.reason`. Every 256 completed operations, one waits a turn of the event loop, so a
 * ping-pong between tasks never starves timers and I/O.
 *
 * @example
 * const jobs = new Channel<number>(8);
 * void (async () => { for (const n of [1, 2, 3]) await jobs.send(n, { signal }); jobs.close(); })();
 * for await (const n of jobs) console.log(n);
 */
export class Channel<T> implements AsyncIterable<T> {
  /** @internal Pipelines may wait for this source: its iterator settles at once on abort. */
  readonly [COOPERATIVE] = true;
  readonly #capacity: number;
  readonly #buffer: T[] = [];
  readonly #senders = new Set<Sender<T>>();
  readonly #receivers = new Set<Receiver<T>>();
  #closed = false;

  /** @param capacity values the buffer holds; 0 makes every send a rendezvous. @default 0 */
  constructor(capacity = 0) {
    assertCount('capacity', capacity, 0);
    this.#capacity = capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }
  /** Values in the buffer (Go's `len(ch)`); waiting senders are not counted. */
  get length(): number {
    return this.#buffer.length;
  }
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Hands `value` to a waiting receiver or the buffer and returns true, or returns false at once
   * (Go's `select` with `default`). Throws `ChannelClosedError` once closed.
   */
  trySend(value: T): boolean {
    if (this.#closed) throw new ChannelClosedError('Cannot send on a closed channel');
    const receiver = take(this.#receivers);
    if (receiver) receiver.settle({ value, ok: true });
    else if (this.#buffer.length < this.#capacity) this.#buffer.push(value);
    else return false;
    return true;
  }

  /** Takes a value if one is ready, `{ ok: false }` if closed and drained, else `undefined` at once. */
  tryReceive(): Received<T> | undefined {
    const sender = take(this.#senders);
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift() as T;
      if (sender) this.#buffer.push(sender.value);
      sender?.settle(SENT);
      return { value, ok: true };
    }
    if (sender) {
      sender.settle(SENT);
      return { value: sender.value, ok: true };
    }
    return this.#closed ? { value: undefined, ok: false } : undefined;
  }

  /**
   * Resolves once `value` is received or buffered. Rejects with `ChannelClosedError` if the channel
   * is or gets closed first; on abort, with `signal.reason`, and nothing is sent.
   */
  send(value: T, options: SignalOptions = {}): Promise<void> {
    return wait(this.sending(value)[OPERATION], options).then(() => undefined);
  }

  /**
   * Resolves the next value, or `{ value: undefined, ok: false }` once closed and drained. Abort
   * rejects with `signal.reason` and takes nothing.
   */
  receive(options: SignalOptions = {}): Promise<Received<T>> {
    return wait(this.receiving()[OPERATION], options);
  }

  /** Closes the channel. Throws `ChannelClosedError` if it is already closed. */
  close(): void {
    if (this.#closed) throw new ChannelClosedError('The channel is already closed');
    this.#closed = true;
    for (const receiver of takeAll(this.#receivers)) receiver.settle({ value: undefined, ok: false });
    for (const sender of takeAll(this.#senders))
      sender.settle(new ChannelClosedError('The channel was closed while a send waited'));
  }

  /** A `select` case receiving from this channel. */
  receiving(): ReceiveCase<T> {
    return {
      kind: 'receive',
      [OPERATION]: {
        ready: () => this.#buffer.length > 0 || this.#senders.size > 0 || this.#closed,
        poll: () => this.tryReceive(),
        wait: (claim, settle) => enlist(this.#receivers, { claim, settle }),
      },
    };
  }

  /** A `select` case sending `value` on this channel. */
  sending(value: T): SendCase<T> {
    return {
      kind: 'send',
      value,
      [OPERATION]: {
        ready: () => this.#closed || this.#receivers.size > 0 || this.#buffer.length < this.#capacity,
        poll: () => (this.trySend(value) ? SENT : undefined),
        wait: (claim, settle) => enlist(this.#senders, { claim, value, settle }),
      },
    };
  }

  /**
   * Receives until the channel is closed and drained. `break` (or `return()`) stops reading
   * without closing the channel and withdraws pending `next()` calls, which resolve done; values
   * stay for other receivers. A `signal` (as `pipe` passes) rejects pending `next()` with its reason.
   */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterableIterator<T> {
    return channelIterator(this.receiving()[OPERATION], signal);
  }
}

function enlist<W>(waiters: Set<W>, waiter: W): () => void {
  waiters.add(waiter);
  return () => waiters.delete(waiter);
}

/** The first waiter not yet claimed by another case of its `select`, claimed and removed. */
function take<W extends Waiter>(waiters: Set<W>): W | undefined {
  for (const waiter of waiters) {
    waiters.delete(waiter);
    if (!waiter.claim.claimed) {
      waiter.claim.claimed = true;
      return waiter;
    }
  }
  return undefined;
}

function takeAll<W extends Waiter>(waiters: Set<W>): W[] {
  const taken: W[] = [];
  for (let waiter = take(waiters); waiter; waiter = take(waiters)) taken.push(waiter);
  return taken;
}
