/**
 * The contract for the waits of csp (rule 2: abort rejects with the same reason object and
 * leaves no listener; an already-aborted signal touches nothing; rule 3: nothing escapes
 * unhandled), for `select` and for a Channel's iterator given its own signal.
 */
import { Channel, select } from '../../lib/index.js';
import { settle, useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, turns, withinTurns } from '../helpers.js';

useLeakCheck();

describe('select: the contract', () => {
  it('rejects with the same reason object on abort, withdraws its waiters and leaves no listener', async () => {
    const channel = new Channel<number>();
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = select(
      { value: channel.receiving(), never: deferred<void>().promise },
      { signal: controller.signal },
    );
    await turns(2);
    controller.abort(reason);
    await expect(withinTurns(waiting)).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    // The receive case was withdrawn: nobody is there to take a value off an unbuffered channel.
    expect(channel.trySend(1)).toBe(false);
  });

  it('rejects an already-aborted signal before looking at any case', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(7);
    const reason = new Error('already');
    await expect(select({ value: channel.receiving() }, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(channel.length).toBe(1);
  });

  it('consumes nothing from a case that does not win', async () => {
    const ready = new Channel<number>(1);
    const other = new Channel<number>(1);
    ready.trySend(1);
    const got = await withinTurns(select({ ready: ready.receiving(), other: other.receiving() }));
    expect(got).toEqual({ case: 'ready', value: 1, ok: true });
    other.trySend(2);
    expect(other.tryReceive()).toEqual({ value: 2, ok: true });
  });

  it('lets no losing promise rejection escape unhandled', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(1);
    const loser = deferred<void>();
    await withinTurns(select({ value: channel.receiving(), loser: loser.promise }));
    loser.reject(new Error('lost'));
    await settle();
  });
});

describe('a Channel iterator given its own signal: the contract', () => {
  it('rejects a pending next() with the same reason object on abort, then is done, leaving no listener', async () => {
    const channel = new Channel<number>();
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = channel[Symbol.asyncIterator](controller.signal);
    const pending = iterator.next();
    await turns(2);
    controller.abort(reason);
    await expect(withinTurns(pending)).rejects.toBe(reason);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(abortListeners(controller.signal)).toBe(0);
    expect(channel.trySend(1)).toBe(false);
    channel.close();
  });

  it('rejects the next() after an abort with the same reason while values are buffered, taking none of them', async () => {
    // Once open, a read with nobody ahead takes a buffered value without waking the iterator's
    // engine: an abort must still win over the values the channel holds.
    const channel = new Channel<number>(4);
    for (const n of [1, 2, 3]) channel.trySend(n);
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = channel[Symbol.asyncIterator](controller.signal);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(channel.length).toBe(2);
    expect(abortListeners(controller.signal)).toBe(0);
    channel.close();
  });

  it('rejects an already-aborted signal on the first next(), taking nothing from the channel', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(7);
    const reason = new Error('already');
    const iterator = channel[Symbol.asyncIterator](AbortSignal.abort(reason));
    await expect(iterator.next()).rejects.toBe(reason);
    expect(channel.length).toBe(1);
    channel.close();
  });
});
