import { DONE, OWN } from '../core/brand.js';
import { isGracefulStop, onAbort } from '../util/abort.js';
import { deferred, type Deferred } from '../util/deferred.js';
import { BrokerMessage } from './message.js';
import { abortOf, untilSettled } from './until-settled.js';
import type { BrokerIteratorOptions, Delivery, Reader } from './reader.js';

/**
 * The iterator of a broker source. It reads only while fewer than `count` messages are unsettled,
 * so the broker redelivers at most that many after a crash. Ends three ways:
 * - a drain (the `drain` signal): no more reads; what was read is handed over, then `done`, once
 *   the reader is closed and the settles sent are answered;
 * - a hard stop (an abort): the reader is closed at once, a pending `next()` rejects with the
 *   signal's reason, every unsettled message's signal aborts, and those never handed over are
 *   naked (with `nakAll`, all of them);
 * - a `return()`: likewise, but it resolves a pending `next()` with `done`, and with `nakAll` the
 *   messages handed over are left to the stages still holding them, to be acknowledged when done;
 * - never by itself otherwise: a stream has no end.
 */
export class BrokerIterator<T> implements AsyncIterator<BrokerMessage<T>> {
  private reader: Reader<T> | undefined;
  private readonly stop = new AbortController();
  /** Aborted by a hard stop or a drain: what a read in flight is told. */
  private readonly reads = new AbortController();
  private readonly ready: BrokerMessage<T>[] = [];
  private readonly held = new Map<string, BrokerMessage<T>>();
  private readonly settling = new Set<Promise<void>>();
  private slot: Deferred<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  /** Stopped by an abort or by a failure of its own (not a `return()`, not a graceful stop). */
  private aborted = false;
  private state: 'reading' | 'draining' | 'rest-taken' | 'ended' = 'reading';
  private returned = false;
  private closing: Promise<void> | undefined;
  private readonly removers: (() => void)[] = [];

  constructor(private readonly options: BrokerIteratorOptions<T>) {
    for (const signal of options.signals) {
      if (signal === undefined) continue;
      // A `take` satisfied upstream of stages still working: not a hard stop, when the end is told.
      // Either way a graceful stop is no abort: the `return()` that follows waits for the settles.
      const stop = () => {
        const graceful = isGracefulStop(signal);
        this.halt(signal.reason, !(options.over && graceful), !graceful);
      };
      if (signal.aborted) stop();
      else this.removers.push(onAbort(signal, stop, 'broker source'));
    }
    // Removed by its own firing: the pipeline's end always comes, after this source has closed.
    const over = options.over;
    if (over !== undefined) onAbort(over, () => this.abandon(over.reason), 'broker source: pipeline end');
    for (const drain of options.drains) {
      if (drain === undefined || this.failure !== undefined) continue;
      if (drain.aborted) this.state = 'draining';
      else
        this.removers.push(
          onAbort(drain, () => {
            if (this.state === 'reading') this.state = 'draining';
            this.reads.abort(drain.reason);
          }),
        );
    }
  }

  next(): Promise<IteratorResult<BrokerMessage<T>>> {
    const result = this.queue.then(() => this.pull());
    this.queue = result.catch(() => {});
    return result.catch((error: unknown) => {
      if (this.returned) return DONE;
      throw error;
    });
  }

  /**
   * Marked as sluice's own: a pending `next()` is answered at once, and what `return()` waits for
   * is the connection going and, unless it was an abort, the settles sent, so a pipeline that
   * ends has sent its last acknowledgement before its consumer goes on.
   */
  async return(): Promise<IteratorResult<BrokerMessage<T>>> {
    this.returned = true;
    this.halt(new DOMException('The pipeline stopped reading the broker source', 'AbortError'), false, false);
    // A `break` waits until the connection is gone and the messages given back are settled.
    await this.closed();
    return DONE;
  }

  /** The reader closed and, unless this source was aborted or failed, its settles answered. */
  private closed(): Promise<void> {
    return untilSettled(this.closing, this.aborted ? new Set() : this.settling, this.options.signals);
  }

  /**
   * A read that fails (the connection lost, heartbeats missed), or a reader that reports a failure
   * between reads, stops the source as an abort would: the caller of a failed `next()` need not
   * call `return()`, as `for await` does not, so the reader is closed here and every unsettled
   * message's signal aborts with the error at once, while its processing may still be stopped.
   */
  private async pull(): Promise<IteratorResult<BrokerMessage<T>>> {
    try {
      return await this.read();
    } catch (error) {
      this.halt(error);
      throw error;
    }
  }

  private async read(): Promise<IteratorResult<BrokerMessage<T>>> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure.error;
      if (this.state === 'ended') return DONE;
      const message = this.ready.shift();
      if (message !== undefined) return { done: false, value: message };
      const reader = (this.reader ??= this.options.open(this.held, (error) => this.halt(error)));
      if (this.state === 'draining') {
        this.state = 'rest-taken';
        this.add(await this.race(reader.rest(), this.stop.signal));
        continue;
      }
      if (this.state === 'rest-taken') {
        // Drained, the source finishes by itself and is not returned: it ends once closed.
        this.end();
        await this.closed();
        const abort = abortOf(this.options.signals);
        if (abort !== undefined) throw abort.reason; // an abort cut the wait: it is no end
        return DONE;
      }
      if (this.held.size >= this.options.count) {
        this.slot ??= deferred<void>();
        await this.race(this.slot.promise, this.reads.signal).catch(this.unlessDrain);
        continue;
      }
      const read = reader.read(this.options.count - this.held.size, this.reads.signal);
      this.add(await this.race(read, this.reads.signal).catch(this.unlessDrain));
    }
  }

  /** A read cut short by a drain is no failure: the drain goes on with what was read. */
  private readonly unlessDrain = (error: unknown): [] => {
    if (this.stop.signal.aborted || !this.reads.signal.aborted) throw error;
    return [];
  };

  /** `promise`, or the signal's reason as soon as it aborts (a stuck command never holds us). */
  private race<R>(promise: Promise<R>, signal: AbortSignal): Promise<R> {
    promise.catch(() => {}); // a loser's rejection, after the abort, is nobody's
    const stopped = () => (this.stop.signal.aborted ? this.stop.signal.reason : signal.reason);
    if (signal.aborted) return Promise.reject(stopped());
    return new Promise<R>((resolve, reject) => {
      const remove = onAbort(signal, () => reject(stopped()), 'broker read');
      promise.then(
        (value) => (remove(), resolve(value)),
        (error: unknown) => (remove(), reject(error)),
      );
    });
  }

  private add(deliveries: readonly Delivery<T>[]): void {
    for (const { id, value, deliveries: count, settle } of deliveries) {
      if (this.held.has(id)) continue; // read again after a reconnect: already in the pipeline
      const message = new BrokerMessage(id, value, count, settle, this.settled);
      this.held.set(id, message);
      this.ready.push(message);
    }
  }

  private readonly settled = (message: BrokerMessage<T>, done: Promise<void>): void => {
    if (this.held.get(message.id) === message) this.held.delete(message.id);
    const tracked = done.catch(() => {}).then(() => void this.settling.delete(tracked));
    this.settling.add(tracked);
    const slot = this.slot;
    this.slot = undefined;
    slot?.resolve();
  };

  /** Drained: the reader goes, while messages in flight downstream finish and are acknowledged. */
  private end(): void {
    this.state = 'ended';
    this.release();
  }

  /**
   * `hard`: an abort (or a failure) stops the whole pipeline, so nothing handed over will be done.
   * A `return()` only says this source is no longer read: a `takeUntil` after it, say, while the
   * stages below finish what they hold, so messages handed over may still be acknowledged.
   * `aborted`: neither a `return()` nor a graceful stop, so the end waits for no settle.
   */
  private halt(reason: unknown, hard = true, aborted = true): void {
    if (this.failure !== undefined || this.state === 'ended') return;
    this.failure = { error: reason };
    this.aborted = aborted;
    this.stop.abort(reason);
    this.reads.abort(reason);
    const unhanded = new Set(this.ready.splice(0));
    for (const message of [...this.held.values()]) {
      const handed = !unhanded.has(message);
      if (handed && !hard && this.options.nakAll) continue;
      message.abort(reason);
      if (!handed || (hard && this.options.nakAll)) message.nak().catch(() => {});
    }
    this.release();
  }

  /** The pipeline has ended: what its stages still held was not done, so it goes back. */
  private abandon(reason: unknown): void {
    for (const message of [...this.held.values()]) {
      message.abort(reason);
      message.nak().catch(() => {});
    }
  }

  private release(): void {
    for (const remove of this.removers.splice(0)) remove();
    this.closing = this.reader?.close().catch(() => {});
  }
}

Object.defineProperty(BrokerIterator.prototype, OWN, { value: true });
