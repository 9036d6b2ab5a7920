import { assertDuration, assertOptions } from '../util/validate.js';
import type { Lease } from '../core/lease.js';
import type { Message } from '../core/types.js';

export type { Message };

/** What a broker does to settle one message. */
export interface Settle {
  ack(): Promise<void>;
  nak(delay: number | undefined): Promise<void>;
}

/**
 * One delivered message. Settling is idempotent (the first `ack` or `nak` is the one sent) and
 * tells the source at once, so the source may read another message in its place.
 */
export class BrokerMessage<T> implements Message<T> {
  private settled: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(
    readonly id: string,
    readonly value: T,
    readonly deliveries: number,
    private readonly settle: Settle,
    private readonly onSettled: (message: BrokerMessage<T>, done: Promise<void>) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isSettled(): boolean {
    return this.settled !== undefined;
  }

  ack(): Promise<void> {
    return (this.settled ??= this.sent(() => this.settle.ack()));
  }

  nak(options: { delay?: number | undefined } = {}): Promise<void> {
    assertOptions('options', options);
    if (options.delay !== undefined) assertDuration('delay', options.delay);
    if (this.settled !== undefined) return this.settled;
    this.settled = this.sent(() => this.settle.nak(options.delay));
    // Given back, it will be processed again: whatever still works on it here should stop.
    this.abort(new DOMException('The message was given back to the broker (nak)', 'AbortError'));
    return this.settled;
  }

  /** The pipeline stopped, or the lease was lost: whoever processes the message should stop. */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  private sent(send: () => Promise<void>): Promise<void> {
    let done: Promise<void>;
    try {
      done = send();
    } catch (error) {
      done = Promise.reject(error);
    }
    this.onSettled(this, done);
    return done;
  }
}

/**
 * The lease of one message in a pipeline that acknowledges for the user (`ack: 'auto'`): acked when
 * the last value derived from it is done, naked (once, after `retryDelay`) when processing failed.
 * A settle that fails is not retried here: the broker delivers the message again, as it would after
 * a crash, so delivery stays at least once.
 */
export class MessageLease implements Lease {
  private holds = 1;
  private failed = false;

  constructor(
    readonly message: Message<unknown>,
    private readonly retryDelay: number | undefined,
  ) {}

  retain(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds === 0 && !this.failed) this.message.ack().catch(ignore);
  }

  fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.message.nak({ delay: this.retryDelay }).catch(ignore);
  }
}

function ignore(): void {}
