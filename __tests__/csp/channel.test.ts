import { Channel, ChannelClosedError, collect, map, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, ticks } from '../helpers.js';

const scope = useLeakCheck();

/** Tracks whether a promise has settled yet, without awaiting it. */
function watch<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise };
}

describe('Channel', () => {
  it('makes a send wait for a receiver when capacity is 0 (rendezvous)', async () => {
    const channel = new Channel<number>();
    const sent = watch(channel.send(1));
    await ticks(5);
    expect(sent.settled()).toBe(false);
    await expect(channel.receive()).resolves.toEqual({ value: 1, ok: true });
    await expect(sent.promise).resolves.toBeUndefined();
  });

  it('buffers up to capacity, then makes senders wait', async () => {
    const channel = new Channel<number>(2);
    await channel.send(1);
    await channel.send(2);
    expect(channel.length).toBe(2);
    const third = watch(channel.send(3));
    await ticks(5);
    expect(third.settled()).toBe(false);
    expect(channel.tryReceive()).toEqual({ value: 1, ok: true });
    await third.promise;
    expect(channel.length).toBe(2);
    expect([channel.tryReceive(), channel.tryReceive()]).toEqual([
      { value: 2, ok: true },
      { value: 3, ok: true },
    ]);
  });

  it('serves waiting receivers first in, first out', async () => {
    const channel = new Channel<string>();
    const receives = [channel.receive(), channel.receive(), channel.receive()];
    await Promise.all(['a', 'b', 'c'].map((value) => channel.send(value)));
    expect((await Promise.all(receives)).map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });

  it('serves waiting senders first in, first out', async () => {
    const channel = new Channel<string>(1);
    const sends = ['a', 'b', 'c', 'd'].map((value) => channel.send(value));
    const received: unknown[] = [];
    for (let i = 0; i < 4; i++) received.push((await channel.receive()).value);
    await Promise.all(sends);
    expect(received).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lets receivers drain the buffer after close, then reports ok: false', async () => {
    const channel = new Channel<number>(3);
    channel.trySend(1);
    channel.trySend(2);
    channel.close();
    expect(channel.closed).toBe(true);
    expect(await channel.receive()).toEqual({ value: 1, ok: true });
    expect(await channel.receive()).toEqual({ value: 2, ok: true });
    expect(await channel.receive()).toEqual({ value: undefined, ok: false });
    expect(channel.tryReceive()).toEqual({ value: undefined, ok: false });
  });

  it('answers receivers waiting at close with ok: false', async () => {
    const channel = new Channel<number>();
    const waiting = [channel.receive(), channel.receive()];
    channel.close();
    await expect(Promise.all(waiting)).resolves.toEqual([
      { value: undefined, ok: false },
      { value: undefined, ok: false },
    ]);
  });

  it('rejects senders waiting at close with ChannelClosedError and drops their values', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(1);
    const waiting = channel.send(2);
    channel.close();
    await expect(waiting).rejects.toThrow(ChannelClosedError);
    expect(channel.tryReceive()).toEqual({ value: 1, ok: true });
    expect(channel.tryReceive()).toEqual({ value: undefined, ok: false });
  });

  it('throws ChannelClosedError on send after close and on a second close', async () => {
    const channel = new Channel<number>(1);
    channel.close();
    await expect(channel.send(1)).rejects.toThrow(new ChannelClosedError('Cannot send on a closed channel'));
    expect(() => channel.trySend(1)).toThrow(ChannelClosedError);
    expect(() => channel.close()).toThrow(new ChannelClosedError('The channel is already closed'));
    expect(new ChannelClosedError().name).toBe('ChannelClosedError');
  });

  it('never waits in trySend and tryReceive', () => {
    const channel = new Channel<number>();
    expect(channel.trySend(1)).toBe(false);
    expect(channel.tryReceive()).toBeUndefined();
    const buffered = new Channel<number>(1);
    expect(buffered.trySend(1)).toBe(true);
    expect(buffered.trySend(2)).toBe(false);
    expect(buffered.tryReceive()).toEqual({ value: 1, ok: true });
  });

  it('hands a trySend to a waiting receiver even with capacity 0', async () => {
    const channel = new Channel<number>();
    const received = channel.receive();
    expect(channel.trySend(7)).toBe(true);
    await expect(received).resolves.toEqual({ value: 7, ok: true });
  });

  it('rejects an aborted send with the same reason, delivering nothing and leaving no listener', async () => {
    const channel = new Channel<number>();
    const controller = new AbortController();
    const sent = channel.send(1, { signal: controller.signal });
    expect(abortListeners(controller.signal)).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(channel.tryReceive()).toBeUndefined();
  });

  it('rejects an aborted receive with the same reason, taking nothing', async () => {
    const channel = new Channel<number>();
    const controller = new AbortController();
    const received = channel.receive({ signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(received).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    const later = channel.receive();
    expect(channel.trySend(5)).toBe(true);
    await expect(later).resolves.toEqual({ value: 5, ok: true });
  });

  it('removes its listener when a wait completes normally', async () => {
    const channel = new Channel<number>();
    const controller = new AbortController();
    const received = channel.receive({ signal: controller.signal });
    await channel.send(1);
    await received;
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('rejects at once on an already-aborted signal, even when a value is ready', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(1);
    const reason = new Error('already');
    const signal = AbortSignal.abort(reason);
    await expect(channel.receive({ signal })).rejects.toBe(reason);
    await expect(channel.send(2, { signal })).rejects.toBe(reason);
    expect(channel.length).toBe(1);
  });

  it('throws for bad arguments, naming them', () => {
    expect(() => new Channel(-1)).toThrow(new RangeError('Expected `capacity` to be an integer ≥ 0, got -1'));
    expect(() => new Channel(1.5)).toThrow(
      new RangeError('Expected `capacity` to be an integer ≥ 0, got 1.5'),
    );
    expect(() => new Channel(Infinity)).toThrow(RangeError);
    expect(() => new Channel('2' as never)).toThrow(
      new TypeError('Expected `capacity` to be an integer ≥ 0, got "2"'),
    );
    const channel = new Channel<number>();
    expect(() => channel.receive({ signal: 'x' as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got "x"'),
    );
    expect(() => channel.send(1, null as never)).toThrow(TypeError);
  });

  it('is drained by for await until closed', async () => {
    const channel = new Channel<number>(2);
    void (async () => {
      for (const n of [1, 2, 3, 4, 5]) await channel.send(n);
      channel.close();
    })();
    const values: number[] = [];
    for await (const value of channel) values.push(value);
    expect(values).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops reading on break without closing the channel or losing values', async () => {
    const channel = new Channel<number>(4);
    for (const n of [1, 2, 3]) channel.trySend(n);
    for await (const value of channel) {
      expect(value).toBe(1);
      break;
    }
    expect(channel.closed).toBe(false);
    expect(channel.tryReceive()).toEqual({ value: 2, ok: true });
  });

  it('answers next() calls made before the previous one settled, in order', async () => {
    const channel = new Channel<number>();
    const iterator = channel[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    const third = iterator.next();
    await channel.send(1);
    await channel.send(2);
    channel.close();
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    await expect(second).resolves.toEqual({ done: false, value: 2 });
    await expect(third).resolves.toEqual({ done: true, value: undefined });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('resolves a pending next() done on return(), leaving later values for others', async () => {
    const channel = new Channel<number>();
    const iterator = channel[Symbol.asyncIterator]();
    const pending = iterator.next();
    await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(channel.trySend(1)).toBe(false);
  });

  it('gives back a value taken from the buffer while its hand-over waits for the event loop, when the reader returns', async () => {
    // 300 reads made at once from a full buffer: one of them reaches the channel's turn of the event
    // loop (every 256 operations), so its value waits there; return() at that moment must put it back.
    const channel = new Channel<number>(600);
    for (let n = 0; n < 600; n++) channel.trySend(n);
    const iterator = channel[Symbol.asyncIterator]();
    const reads = Array.from({ length: 300 }, () => iterator.next());
    await iterator.return!();
    const received = (await Promise.all(reads)).filter((r) => !r.done).map((r) => r.value as number);
    expect(received.length).toBeLessThan(300);
    const left: number[] = [];
    for (let r = channel.tryReceive(); r?.ok; r = channel.tryReceive()) left.push(r.value);
    expect([...received, ...left]).toEqual(Array.from({ length: 600 }, (_, n) => n));
  });
  it('works as a pipeline source, and abort rejects with the same reason and no listener left', async () => {
    const channel = new Channel<number>(3);
    for (const n of [1, 2, 3]) channel.trySend(n);
    channel.close();
    expect(
      await collect(
        pipe(
          channel,
          map((n: number) => n * 2),
        ),
      ),
    ).toEqual([2, 4, 6]);

    const open = new Channel<number>();
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = pipe(open, { signal: controller.signal })[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(scope().leaks()).toEqual([]);
  });

  it('keeps first-in, first-out order as its buffer wraps around and grows', async () => {
    const channel = new Channel<number>(20);
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 60; round++) {
      const puts = (round * 7) % 13;
      const takes = (round * 5) % 11;
      for (let i = 0; i < puts; i++) {
        const accepted = channel.trySend(next);
        expect(accepted).toBe(model.length < 20);
        if (accepted) model.push(next);
        next++;
      }
      for (let i = 0; i < takes; i++) {
        const expected = model.length > 0 ? { value: model.shift(), ok: true } : undefined;
        expect(channel.tryReceive()).toEqual(expected);
      }
      expect(channel.length).toBe(model.length);
    }
    // Waiting senders refill the buffer in order as receivers take from it.
    while (channel.length < 20) {
      model.push(next);
      channel.trySend(next++);
    }
    const senders = [1000, 1001, 1002].map((value) => channel.send(value));
    const received: number[] = [];
    for (let i = 0; i < 23; i++) received.push((await channel.receive()).value!);
    await Promise.all(senders);
    expect(received).toEqual([...model, 1000, 1001, 1002]);
  });

  it('tells callers of completions in the order they were committed, across its turns of the event loop', async () => {
    const channel = new Channel<number>(1000);
    const log: string[] = [];
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) all.push(channel.send(i).then(() => log.push(`s${i}`)));
    const iterator = channel[Symbol.asyncIterator]();
    for (let i = 0; i < 500; i++) all.push(channel.receive().then(({ value }) => log.push(`r${value}`)));
    for (let i = 500; i < 1000; i++) all.push(iterator.next().then(({ value }) => log.push(`r${value}`)));
    await Promise.all(all);
    expect(log).toEqual([
      ...Array.from({ length: 1000 }, (_, i) => `s${i}`),
      ...Array.from({ length: 1000 }, (_, i) => `r${i}`),
    ]);
  });

  it('answers concurrent next() calls in order when values, waiting senders and close meet', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(1);
    const sends = [channel.send(2), channel.send(3)];
    const iterator = channel[Symbol.asyncIterator]();
    const results = [iterator.next(), iterator.next(), iterator.next(), iterator.next(), iterator.next()];
    await Promise.all(sends);
    const late = channel.send(4);
    channel.close();
    await expect(late).resolves.toBeUndefined();
    await expect(Promise.all(results)).resolves.toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: false, value: 3 },
      { done: false, value: 4 },
      { done: true, value: undefined },
    ]);
  });

  it('yields to the event loop during a long ping-pong, so a timer set before it fires', async () => {
    const ping = new Channel<number>();
    const pong = new Channel<number>();
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const limit = 1_000_000;
    const ponger = (async () => {
      for await (const n of ping) await pong.send(n + 1);
    })();
    let exchanged = 0;
    while (!fired && exchanged < limit) {
      await ping.send(exchanged);
      exchanged = (await pong.receive()).value!;
    }
    ping.close();
    await ponger;
    expect(fired).toBe(true);
    expect(exchanged).toBeLessThan(limit);
  });
});
