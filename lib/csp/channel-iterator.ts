import { Engine } from '../core/engine.js';
import { PENDING } from '../core/brand.js';
import { END } from '../core/outcome.js';
import {
  CLOSED,
  completesNow,
  EMPTY,
  later,
  type Claim,
  type ReceivePort,
  type Receiver,
  type Waiter,
} from './hand-over.js';

/** The reader's one enlisted receive: its own claim, as no `select` shares it. */
class ReadWaiter<T> implements Receiver<T>, Claim {
  claimed = false;
  readonly claim: Claim = this;
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;

  constructor(private readonly reader: ChannelReader<T>) {}

  deliver(value: T): void {
    this.reader.received(this, value);
  }

  finish(): void {
    this.reader.received(this, CLOSED);
  }
}

/**
 * The iterator of a channel: an outlet fed by the channel's receive side. It receives only while
 * a reader waits, through one enlisted waiter; `return()` withdraws that waiter and leaves the
 * channel open; a `signal` rejects waiting readers with its reason. A value taken for a reader that
 * stops before it is handed over goes back to the channel, so none is lost. Every completion passes through the
 * channel's hand-over, which yields to the event loop now and then (CONTRACT rule 5).
 */
class ChannelReader<T> extends Engine<T> {
  private waiter: ReadWaiter<T> | undefined;
  /** A value taken from the channel whose hand-over waits for the event loop's turn. */
  private handing: { value: T | typeof CLOSED } | undefined;

  constructor(
    private readonly port: ReceivePort<T>,
    signal: AbortSignal | undefined,
  ) {
    super(signal, 'channel iterator', false);
    this.outlet.poll = () => this.poll();
  }

  /** A value the channel holds now, for a read with nobody ahead of it; PENDING takes nothing. */
  private poll(): T | typeof PENDING {
    if (this.closed || this.waiter !== undefined || this.handing !== undefined) return PENDING;
    const now = this.port.receiveNow();
    if (now === EMPTY || now === CLOSED) return PENDING; // the engine's path enlists or ends
    if (completesNow()) return now;
    this.handing = { value: now };
    later(() => this.handed());
    return PENDING;
  }

  protected open(): void {}

  protected serve(): void {
    while (this.outlet.waiting && !this.closed && this.waiter === undefined && this.handing === undefined) {
      const now = this.port.receiveNow();
      if (now === EMPTY) {
        this.waiter = new ReadWaiter(this);
        this.port.enlist(this.waiter);
        return;
      }
      this.handOver(now);
    }
  }

  received(waiter: ReadWaiter<T>, value: T | typeof CLOSED): void {
    if (this.waiter !== waiter) return;
    this.waiter = undefined;
    this.handOver(value);
  }

  private handOver(value: T | typeof CLOSED): void {
    if (completesNow()) return this.settle(value);
    this.handing = { value };
    later(() => this.handed());
  }

  /** The event loop's turn came for the value taken (unless it went back to the channel at shutdown). */
  private handed(): void {
    const handing = this.handing;
    if (handing === undefined) return;
    this.handing = undefined;
    this.settle(handing.value);
  }

  private settle(value: T | typeof CLOSED): void {
    if (value === CLOSED) {
      const failure = this.port.failure();
      void this.close(failure ? { kind: 'error', error: failure.error } : END);
      return;
    }
    // Committed by the channel: handed to the reader even if it returned meanwhile.
    if (this.outlet.waiting && !this.outlet.ended) this.outlet.push(value);
    this.serve();
  }

  protected shutdown(): Promise<undefined> {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) {
      waiter.claimed = true;
      this.port.withdraw(waiter);
    }
    // A value taken for a reader that stopped before the hand-over stays in the channel.
    const handing = this.handing;
    this.handing = undefined;
    if (handing !== undefined && handing.value !== CLOSED) this.port.giveBack(handing.value);
    return Promise.resolve(undefined);
  }
}

export function channelIterator<T>(port: ReceivePort<T>, signal?: AbortSignal): AsyncIterableIterator<T> {
  return new ChannelReader(port, signal).outlet;
}
