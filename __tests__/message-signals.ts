/**
 * The message signals of a broker source with `ack: 'auto'` (CONTRACT rule 10, `Message.signal`),
 * the same for every broker: once the pipeline has stopped — a `break`, a `return()`, an error —
 * every message it read and did not acknowledge has its `signal` aborted, and no acknowledged
 * message has. Each broker's test file runs these against its real server.
 */
import { forEach, map, parallelMap, pipe, take, type Message } from '../lib/index.js';
import type { LeaseSource } from '../lib/core/lease.js';
import { deferred } from './helpers.js';

export interface SignalsBroker {
  /** Publishes 0..n-1 to this test's stream. */
  publish(n: number): Promise<void>;
  /** A source over this test's stream, `ack: 'auto'`, reading at most `count` ahead. */
  source(count: number): Promise<LeaseSource<number>>;
  /** Of `ids`, those the server confirmed as acknowledged. */
  acked(ids: readonly string[]): Promise<Set<string>>;
}

/** A callback's work that ends only when its signal aborts, as I/O that honours it does. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

/** What the callbacks saw: each value's message, by value. */
function recorder(): { messages: Map<number, Message<unknown>>; record(n: number, message: unknown): void } {
  const messages = new Map<number, Message<unknown>>();
  return { messages, record: (n, message) => void messages.set(n, message as Message<unknown>) };
}

/** Every message seen is acknowledged exactly when its signal did not abort. */
async function expectAbortedUnlessAcked(
  broker: SignalsBroker,
  messages: Map<number, Message<unknown>>,
  acked: readonly number[],
): Promise<void> {
  // The signals are as they will stay by the time the pipeline has stopped.
  const aborted = [...messages].map(([n, message]) => [n, message.signal.aborted]);
  expect(aborted).toEqual([...messages.keys()].map((n) => [n, !acked.includes(n)]));
  // An acknowledgement is sent as the value is done, not awaited by a failing pipeline: wait
  // until the server has those expected, then nothing else may be acknowledged.
  const ids = [...messages.values()].map((message) => message.id);
  const wanted = acked.map((n) => messages.get(n)!.id);
  let confirmed = await broker.acked(ids);
  while (!wanted.every((id) => confirmed.has(id))) {
    await new Promise((resolve) => setImmediate(resolve)); // let the confirmation in
    confirmed = await broker.acked(ids);
  }
  expect([...confirmed].sort()).toEqual(wanted.sort());
}

export function describeMessageSignals(broker: () => SignalsBroker): void {
  describe('message signals once the pipeline stops (ack: auto)', () => {
    it('aborts the signal of every message not acknowledged when the consumer breaks', async () => {
      await broker().publish(10);
      const { messages, record } = recorder();
      const inFlight = deferred<void>();
      const stages = pipe(
        await broker().source(8),
        parallelMap(
          async (n: number, { signal, message }) => {
            record(n, message);
            if (messages.size === 4) inFlight.resolve();
            // 0 and 1 are done at once; 2 and 3 are still being processed at the break.
            if (n >= 2) await untilAborted(signal);
            return n;
          },
          { concurrency: 4, ordered: false },
        ),
      );
      const got: number[] = [];
      for await (const n of stages) {
        got.push(n);
        await inFlight.promise;
        if (got.length === 2) break; // the body holds the second value: not done with it
      }
      await expectAbortedUnlessAcked(broker(), messages, [got[0]!]);
    });

    it('aborts the signal of every message not acknowledged when return() ends a pending next()', async () => {
      await broker().publish(10);
      const { messages, record } = recorder();
      const inFlight = deferred<void>();
      const iterator = pipe(
        await broker().source(8),
        parallelMap(
          async (n: number, { signal, message }) => {
            record(n, message);
            if (messages.size === 3) inFlight.resolve();
            if (n >= 1) await untilAborted(signal);
            return n;
          },
          { concurrency: 3, ordered: false },
        ),
      )[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ done: false, value: 0 });
      await inFlight.promise;
      const pending = iterator.next(); // the body is done with 0; 1 and 2 never finish
      await iterator.return!();
      expect(await pending).toEqual({ done: true, value: undefined });
      await expectAbortedUnlessAcked(broker(), messages, [0]);
    });

    it('acknowledges what stages below a satisfied take(n) go on to finish, and aborts none of their signals', async () => {
      await broker().publish(10);
      const { messages, record } = recorder();
      const allStarted = deferred<void>();
      const got: number[] = [];
      await forEach(
        pipe(
          await broker().source(8),
          map((n: number) => n),
          take(3), // satisfied while the three are still being processed below it
          parallelMap(
            async (n: number, { message }) => {
              record(n, message);
              if (messages.size === 3) allStarted.resolve();
              await allStarted.promise;
              return n;
            },
            { concurrency: 3 },
          ),
        ),
        (n) => void got.push(n),
      );
      expect(got).toEqual([0, 1, 2]);
      await expectAbortedUnlessAcked(broker(), messages, [0, 1, 2]);
    });

    it('aborts the signal of the failed message and of those in flight beside it when a callback fails', async () => {
      await broker().publish(10);
      const { messages, record } = recorder();
      const error = new Error('item 2 failed');
      const inFlight = deferred<void>();
      const zeroDone = deferred<void>();
      const run = forEach(
        pipe(
          await broker().source(8),
          parallelMap(
            async (n: number, { signal, message }) => {
              record(n, message);
              if (n === 0) return n;
              if (n === 1) return (inFlight.resolve(), untilAborted(signal));
              await Promise.all([inFlight.promise, zeroDone.promise]);
              throw error;
            },
            { concurrency: 3, ordered: false },
          ),
        ),
        (n) => void (n === 0 && zeroDone.resolve()),
      );
      await expect(run).rejects.toBe(error);
      await expectAbortedUnlessAcked(broker(), messages, [0]);
    });
  });
}
