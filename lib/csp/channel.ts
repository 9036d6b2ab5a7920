import { ChannelClosedError } from '../core/errors.js';
import { channelIterator } from './channel-iterator.js';
import { Ring } from './ring.js';
import { CLOSED, completed, completedVoid, EMPTY, Failure, WaiterQueue, type Receiver } from './hand-over.js';
import { OWN } from '../core/brand.js';
import {
  ReceiveWaiter,
  SENT,
  SendWaiter,
  enlist,
  takeAll,
  type Received,
  type Sender,
} from './channel-waiters.js';
import { assertCount, signalOption } from '../util/validate.js';
import { dropInto, overflowOptions, type OverflowOptions } from '../core/overflow.js';
import type { Overflow, SignalOptions } from '../core/types.js';

/** Options of `new Channel`: what a full buffer does with a send. */
export type ChannelOptions<T> = OverflowOptions<T>;

import { receiveCase, sendCase, type ReceiveCase, type SendCase } from './cases.js';

export type { Received, ReceiveCase, SendCase };

/**
 * Go's `chan T`: a bounded queue between tasks, senders and receivers served first in, first out.
 * With `capacity` 0 (the default) a send waits for a receiver; otherwise up to `capacity` values
 * wait in the buffer, so memory is bounded by the capacity plus one value per blocked sender.
 * `close()` lets receivers drain the buffer, then they get `{ value: undefined, ok: false }`;
 * `close(error)` makes every receive after the buffered values reject with `error`. Waiting and
 * later sends, and a second close, reject with `ChannelClosedError`. With `overflow:
 * 'drop-newest'` or `'drop-oldest'` (capacity ≥ 1) a send never waits: it drops its own value or
 * the oldest one, counted in `dropped` and passed to `onDrop` (capacity 1 with `'drop-oldest'` is
 * Kotlin's `conflate`). A `send` or `receive` whose signal aborts takes and delivers nothing and
 * rejects with `signal.reason`. Every 256 operations one waits a turn of the event loop.
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
  #failure: Failure | undefined;
  readonly #overflow: Overflow;
  readonly #onDrop: ((value: T) => void) | undefined;
  #dropped = 0;

  /** @param capacity values the buffer holds; 0 makes every send a rendezvous. @default 0 */
  constructor(capacity = 0, options?: ChannelOptions<T>) {
    assertCount('capacity', capacity, 0);
    this.#capacity = capacity;
    ({ overflow: this.#overflow, onDrop: this.#onDrop } = overflowOptions(options, capacity));
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
  /** Values a drop policy has dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Hands `value` to a waiting receiver or the buffer and returns true, or returns false at once
   * (Go's `select` with `default`); with a drop policy it always takes it (and may drop a value).
   * Throws `ChannelClosedError` once closed, and what `onDrop` throws.
   */
  trySend(value: T): boolean {
    if (this.#closed) throw new ChannelClosedError('Cannot send on a closed channel');
    const receiver = this.#receivers.take();
    if (receiver) receiver.deliver(value);
    else if (this.#ring.length < this.#capacity) this.#ring.push(value);
    else if (this.#overflow === 'block') return false;
    else {
      const dropped = dropInto(this.#ring, this.#overflow, value);
      this.#dropped++;
      this.#onDrop?.(dropped);
    }
    return true;
  }

  /** Takes a value if one is ready, `{ ok: false }` if closed and drained, else `undefined` at once. */
  tryReceive(): Received<T> | undefined {
    const now = this.#receiveNow();
    if (now === EMPTY) return undefined;
    if (now === CLOSED && this.#failure) throw this.#failure.error;
    return now === CLOSED ? { value: undefined, ok: false } : { value: now, ok: true };
  }

  /**
   * Resolves once `value` is received or buffered (at once with a drop policy). Rejects with
   * `ChannelClosedError` if the channel is or gets closed first; on abort, with `signal.reason`,
   * and nothing is sent.
   */
  send(value: T, options?: SignalOptions): Promise<void> {
    const signal = signalOption(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    try {
      if (this.trySend(value)) return completedVoid();
    } catch (error) {
      return Promise.reject(error); // closed, or what `onDrop` threw
    }
    let waiter!: SendWaiter<T>;
    const promise = new Promise<void>((resolve, reject) => {
      waiter = new SendWaiter(value, resolve, reject);
    });
    enlist(this.#senders, waiter, signal);
    return promise;
  }

  /**
   * Resolves the next value, or `{ value: undefined, ok: false }` once closed and drained (rejects
   * with the error of `close(error)`). Abort rejects with `signal.reason` and takes nothing.
   */
  receive(options?: SignalOptions): Promise<Received<T>> {
    const signal = signalOption(options);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.#receiveNow();
    if (now === CLOSED && this.#failure) return Promise.reject(this.#failure.error);
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

  /**
   * Closes the channel; with `error`, receivers get it after the buffered values. Throws
   * `ChannelClosedError` if it is already closed.
   */
  close(error?: unknown): void {
    if (this.#closed) throw new ChannelClosedError('The channel is already closed');
    this.#closed = true;
    if (error !== undefined) this.#failure = new Failure(error);
    for (const receiver of takeAll(this.#receivers)) receiver.finish(this.#failure);
    for (const sender of takeAll(this.#senders))
      sender.fail(new ChannelClosedError('The channel was closed while a send waited'));
  }

  /** A `select` case receiving from this channel. */
  receiving(): ReceiveCase<T> {
    const ready = (): boolean => this.#ring.length > 0 || this.#senders.size > 0 || this.#closed;
    return receiveCase(ready, () => this.tryReceive(), this.#receivers);
  }

  /** A `select` case sending `value` on this channel. */
  sending(value: T): SendCase<T> {
    const ready = (): boolean =>
      this.#closed ||
      this.#receivers.size > 0 ||
      this.#ring.length < this.#capacity ||
      this.#overflow !== 'block';
    return sendCase(value, ready, () => (this.trySend(value) ? SENT : undefined), this.#senders);
  }

  /**
   * Receives until the channel is closed and drained. `break` (or `return()`) stops reading without
   * closing the channel: pending `next()` calls resolve done, values stay for other receivers. A
   * `signal` (as `pipe` passes) rejects pending `next()` with its reason.
   */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterableIterator<T> {
    return channelIterator<T>(
      {
        receiveNow: () => this.#receiveNow(),
        failure: () => this.#failure,
        enlist: (waiter) => this.#receivers.push(waiter),
        withdraw: (waiter) => this.#receivers.remove(waiter),
        giveBack: (value) => this.#giveBack(value),
      },
      signal,
    );
  }

  /** A value taken for an iterator's reader that stopped: a waiting receiver's, or the buffer's front. */
  #giveBack(value: T): void {
    const receiver = this.#receivers.take();
    if (receiver) receiver.deliver(value);
    else this.#ring.unshift(value);
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
