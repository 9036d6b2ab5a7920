import { ChannelClosedError } from '../core/errors.js';
import { channelIterator } from './channel-iterator.js';
import { Ring } from './ring.js';
import {
  CLOSED,
  completed,
  completedVoid,
  EMPTY,
  OPERATION,
  WaiterQueue,
  type Receiver,
} from './hand-over.js';
import { OWN } from '../core/brand.js';
import {
  CaseReceiver,
  CaseSender,
  ReceiveWaiter,
  SENT,
  SendWaiter,
  enlist,
  takeAll,
  type Received,
  type Sender,
} from './channel-waiters.js';
import { assertCount, signalOption } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

export type { Received };
import type { ReceiveCase, SendCase } from './cases.js';

export type { ReceiveCase, SendCase };

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
  readonly [OWN] = true;
  readonly #capacity: number;
  // The buffer: a ring whose length is a power of two, grown up to the capacity as needed.
  readonly #ring = new Ring<T>();
  readonly #senders = new WaiterQueue<Sender<T>>();
  readonly #receivers = new WaiterQueue<Receiver<T>>();
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
    return this.#ring.length;
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
    const receiver = this.#receivers.take();
    if (receiver) receiver.deliver(value);
    else if (this.#ring.length < this.#capacity) this.#ring.push(value);
    else return false;
    return true;
  }

  /** Takes a value if one is ready, `{ ok: false }` if closed and drained, else `undefined` at once. */
  tryReceive(): Received<T> | undefined {
    const now = this.#receiveNow();
    if (now === EMPTY) return undefined;
    return now === CLOSED ? { value: undefined, ok: false } : { value: now, ok: true };
  }

  /**
   * Resolves once `value` is received or buffered. Rejects with `ChannelClosedError` if the channel
   * is or gets closed first; on abort, with `signal.reason`, and nothing is sent.
   */
  send(value: T, options?: SignalOptions): Promise<void> {
    const signal = signalOption(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(new ChannelClosedError('Cannot send on a closed channel'));
    const receiver = this.#receivers.take();
    if (receiver) {
      receiver.deliver(value);
      return completedVoid();
    }
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(value);
      return completedVoid();
    }
    let waiter!: SendWaiter<T>;
    const promise = new Promise<void>((resolve, reject) => {
      waiter = new SendWaiter(value, resolve, reject);
    });
    enlist(this.#senders, waiter, signal);
    return promise;
  }

  /**
   * Resolves the next value, or `{ value: undefined, ok: false }` once closed and drained. Abort
   * rejects with `signal.reason` and takes nothing.
   */
  receive(options?: SignalOptions): Promise<Received<T>> {
    const signal = signalOption(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.#receiveNow();
    if (now !== EMPTY)
      return completed<Received<T>>(
        now === CLOSED ? { value: undefined, ok: false } : { value: now, ok: true },
      );
    let waiter!: ReceiveWaiter<T>;
    const promise = new Promise<Received<T>>((resolve, reject) => {
      waiter = new ReceiveWaiter(resolve, reject);
    });
    enlist(this.#receivers, waiter, signal);
    return promise;
  }

  /** Closes the channel. Throws `ChannelClosedError` if it is already closed. */
  close(): void {
    if (this.#closed) throw new ChannelClosedError('The channel is already closed');
    this.#closed = true;
    for (const receiver of takeAll(this.#receivers)) receiver.finish();
    for (const sender of takeAll(this.#senders))
      sender.fail(new ChannelClosedError('The channel was closed while a send waited'));
  }

  /** A `select` case receiving from this channel. */
  receiving(): ReceiveCase<T> {
    return {
      kind: 'receive',
      [OPERATION]: {
        ready: () => this.#ring.length > 0 || this.#senders.size > 0 || this.#closed,
        poll: () => this.tryReceive(),
        wait: (claim, settle) => {
          const waiter = new CaseReceiver<T>(claim, settle);
          this.#receivers.push(waiter);
          return () => this.#receivers.remove(waiter);
        },
      },
    };
  }

  /** A `select` case sending `value` on this channel. */
  sending(value: T): SendCase<T> {
    return {
      kind: 'send',
      value,
      [OPERATION]: {
        ready: () => this.#closed || this.#receivers.size > 0 || this.#ring.length < this.#capacity,
        poll: () => (this.trySend(value) ? SENT : undefined),
        wait: (claim, settle) => {
          const waiter = new CaseSender<T>(claim, value, settle);
          this.#senders.push(waiter);
          return () => this.#senders.remove(waiter);
        },
      },
    };
  }

  /**
   * Receives until the channel is closed and drained. `break` (or `return()`) stops reading
   * without closing the channel and withdraws pending `next()` calls, which resolve done; values
   * stay for other receivers. A `signal` (as `pipe` passes) rejects pending `next()` with its reason.
   */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterableIterator<T> {
    return channelIterator<T>(
      {
        receiveNow: () => this.#receiveNow(),
        enlist: (waiter) => this.#receivers.push(waiter),
        withdraw: (waiter) => this.#receivers.remove(waiter),
      },
      signal,
    );
  }

  /** Takes a value from the buffer or a waiting sender (refilling the buffer from it). */
  #receiveNow(): T | typeof EMPTY | typeof CLOSED {
    const sender = this.#senders.take();
    if (this.#ring.length > 0) {
      const value = this.#ring.shift();
      if (sender) {
        this.#ring.push(sender.value);
        sender.taken();
      }
      return value;
    }
    if (sender) {
      sender.taken();
      return sender.value;
    }
    return this.#closed ? CLOSED : EMPTY;
  }
}
