import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Delivery, Reader } from '../ack/reader.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';

/**
 * What `fromJetStream` fails with when the server's heartbeats stop coming (two missed in a row).
 *
 * @example
 * try {
 *   await forEach(fromJetStream(consumer), (message) => message.ack());
 * } catch (error) {
 *   if (error instanceof HeartbeatsMissedError) reconnect();
 * }
 */
export class HeartbeatsMissedError extends Error {
  override readonly name = 'HeartbeatsMissedError';
}

export interface JetStreamReadOptions<T> {
  readonly maxMessages: number;
  /** Milliseconds between idle heartbeats (`idle_heartbeat`). */
  readonly heartbeat: number;
  readonly decode: (message: JsMsg) => T;
  /** Stops the source at once when heartbeats are missed, even with no read pending. */
  readonly fail: (error: unknown) => void;
}

/**
 * Reads a JetStream consumer through `consume({ max_messages, idle_heartbeat })`. A `next()` of the client's
 * iterator cut off by a drain is kept for the next read, so a message it brings is not dropped.
 * Missed heartbeats (two in a row) fail the read with a `HeartbeatsMissedError`: the client only
 * reports them, and a consumer that silently stops delivering is worse than one that fails.
 * Messages in flight longer than half their `ack_wait` are told `working()`, so the server does
 * not redeliver a message still being processed.
 */
export class JetStreamReader<T> implements Reader<T> {
  private messages: Promise<ConsumerMessages> | undefined;
  private iterator: AsyncIterator<JsMsg> | undefined;
  private pendingNext: Promise<IteratorResult<JsMsg>> | undefined;
  private failure: ((error: unknown) => void) | undefined;
  private failed: { error: unknown } | undefined;
  private readonly inFlight = new Map<string, JsMsg>();
  private timer: Timer | undefined;
  private closed = false;
  /** Half the consumer's `ack_wait`, in ms. */
  private workingEvery: number | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: JetStreamReadOptions<T>,
  ) {}

  async read(): Promise<Delivery<T>[]> {
    this.messages ??= this.open();
    const messages = await this.messages;
    if (this.closed) return []; // stopped meanwhile: the iterator is the close's now
    this.iterator ??= messages[Symbol.asyncIterator]();
    const next = (this.pendingNext ??= this.iterator.next());
    const result = await new Promise<IteratorResult<JsMsg>>((resolve, reject) => {
      if (this.failed) return reject(this.failed.error);
      this.failure = reject;
      next.then(resolve, reject);
    }).finally(() => (this.failure = undefined));
    this.pendingNext = undefined;
    if (result.done) throw new Error('The JetStream consumer stopped delivering (it was deleted or closed)');
    return [this.delivery(result.value)];
  }

  /** After a drain: what the client already received is handed over, then it stops pulling. */
  async rest(): Promise<Delivery<T>[]> {
    if (this.messages === undefined) return [];
    const messages = await this.messages;
    const out = await this.takeBuffered(messages);
    messages.stop();
    const last = await this.pendingNext;
    this.pendingNext = undefined;
    if (last !== undefined && !last.done) out.push(last.value);
    return out.map((message) => this.delivery(message));
  }

  /**
   * The messages the client holds and nobody asked for yet (`consume()` pulls `max_messages`
   * ahead). Stopping would drop them unacknowledged, to be redelivered only after `ack_wait`.
   */
  private async takeBuffered(messages: ConsumerMessages): Promise<JsMsg[]> {
    const out: JsMsg[] = [];
    const iterator = (this.iterator ??= messages[Symbol.asyncIterator]());
    for (;;) {
      // A held message comes within microtasks; one not there by the next turn is not held yet.
      const next = this.pendingNext ?? iterator.next();
      const result = await Promise.race([
        next,
        new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
      ]);
      this.pendingNext = result === undefined ? next : undefined;
      if (result === undefined || result.done) return out;
      out.push(result.value);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimer(this.timer);
    this.timer = undefined;
    this.pendingNext?.catch(() => {});
    const messages = await this.messages?.catch(() => undefined);
    if (messages === undefined) return;
    // A hard stop gives back at once what the client held, rather than after `ack_wait`.
    for (const message of await this.takeBuffered(messages)) message.nak();
    // stop() ends a pending next(); the client's close() settles only once its iterator returned.
    messages.stop();
    const iterator = (this.iterator ??= messages[Symbol.asyncIterator]());
    void Promise.resolve(iterator.return?.()).catch(() => {});
    await messages.close();
  }

  private async open(): Promise<ConsumerMessages> {
    const { maxMessages, heartbeat } = this.options;
    // The server refuses a heartbeat over half the pull's expiry (30 s unless told otherwise).
    const messages = await this.consumer.consume({
      max_messages: maxMessages,
      idle_heartbeat: heartbeat,
      expires: Math.max(30_000, 2 * heartbeat),
    });
    if (this.closed) {
      messages.stop();
      void messages.close();
      return messages;
    }
    void this.watch(messages);
    const info = await this.consumer.info(true).catch(() => undefined);
    const ackWait = info?.config.ack_wait;
    if (ackWait !== undefined && ackWait > 0) this.workingEvery = Math.max(1, Math.floor(ackWait / 2e6));
    return messages;
  }

  /** The client's notifications; ends when the consumer's messages are closed. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const status of messages.status()) {
        if (status.type === 'heartbeats_missed' && status.count >= 2) {
          const error = new HeartbeatsMissedError(
            `JetStream consumer missed ${status.count} heartbeats: the server or the connection is gone`,
          );
          this.failed = { error };
          this.failure?.(error);
          this.options.fail(error);
        }
      }
    } catch {
      // The status iterator fails only as the messages close; the read reports what matters.
    }
  }

  private keepWorking(every: number): void {
    this.timer = setTimer(
      () => {
        this.timer = undefined;
        for (const message of this.inFlight.values()) message.working();
        if (this.inFlight.size > 0 && !this.closed) this.keepWorking(every);
      },
      Math.min(every, 2 ** 31 - 1),
      'JetStream working()',
    );
  }

  private delivery(message: JsMsg): Delivery<T> {
    const id = String(message.seq);
    this.inFlight.set(id, message);
    if (this.timer === undefined && !this.closed && this.workingEvery !== undefined)
      this.keepWorking(this.workingEvery);
    const settled = (): void => {
      this.inFlight.delete(id);
      if (this.inFlight.size > 0) return;
      // Nothing left to keep: no timer waits for the next message.
      clearTimer(this.timer);
      this.timer = undefined;
    };
    return {
      id,
      value: this.options.decode(message),
      deliveries: message.info.deliveryCount,
      settle: {
        ack: () => (settled(), message.ackAck().then(() => {})),
        nak: (delay) => (settled(), Promise.resolve(message.nak(delay))),
      },
    };
  }
}
