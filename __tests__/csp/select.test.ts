import fc from 'fast-check';
import { Channel, ChannelClosedError, select } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, ticks, turns } from '../helpers.js';

const scope = useLeakCheck();

describe('select', () => {
  it('resolves the one ready case with its value', async () => {
    const a = new Channel<number>(1);
    const b = new Channel<string>(1);
    b.trySend('x');
    const got = await select({ a: a.receiving(), b: b.receiving() });
    expect(got).toEqual({ case: 'b', value: 'x', ok: true });
  });

  it('commits to exactly one case: the others consume and deliver nothing', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const out = new Channel<number>();
    const pending = select({ a: a.receiving(), b: b.receiving(), out: out.sending(9) });
    await ticks(3);
    expect(a.trySend(1)).toBe(true);
    // The select has committed to `a`: `b` and `out` have no waiter left.
    expect(b.trySend(2)).toBe(false);
    expect(out.tryReceive()).toBeUndefined();
    await expect(pending).resolves.toEqual({ case: 'a', value: 1, ok: true });
  });

  it('waits for a send case until a receiver takes the value', async () => {
    const out = new Channel<number>();
    const pending = select({ out: out.sending(5) });
    await expect(out.receive()).resolves.toEqual({ value: 5, ok: true });
    await expect(pending).resolves.toEqual({ case: 'out', value: undefined, ok: true });
  });

  it('reports a closed channel with ok: false', async () => {
    const a = new Channel<number>();
    const pending = select({ a: a.receiving() });
    a.close();
    await expect(pending).resolves.toEqual({ case: 'a', value: undefined, ok: false });
  });

  it('rejects with ChannelClosedError when a send case is closed under it', async () => {
    const out = new Channel<number>();
    const pending = select({ out: out.sending(1) });
    out.close();
    await expect(pending).rejects.toThrow(ChannelClosedError);
  });

  it('wins with a promise case, or rejects with its error, and ignores it after losing', async () => {
    const gate = deferred<string>();
    const pending = select({ p: gate.promise, a: new Channel<number>().receiving() });
    gate.resolve('done');
    await expect(pending).resolves.toEqual({ case: 'p', value: 'done', ok: true });
    const failing = deferred<string>();
    const error = new Error('boom');
    const rejected = select({ p: failing.promise });
    failing.reject(error);
    await expect(rejected).rejects.toBe(error);
    const late = deferred<number>();
    const channel = new Channel<number>(1);
    channel.trySend(1);
    await expect(select({ late: late.promise, c: channel.receiving() })).resolves.toMatchObject({
      case: 'c',
    });
    // A losing promise's later rejection is handled by select, as by Promise.race.
    late.reject(new Error('ignored'));
    await ticks(2);
  });

  it('wins with an AbortSignal case, with its reason, and leaves no listener', async () => {
    const done = new AbortController();
    const channel = new Channel<number>();
    const pending = select({ done: done.signal, c: channel.receiving() });
    const reason = new Error('cancelled');
    done.abort(reason);
    await expect(pending).resolves.toEqual({ case: 'done', value: reason, ok: true });
    expect(abortListeners(done.signal)).toBe(0);
    expect(channel.trySend(1)).toBe(false);
  });

  it('resolves default at once when nothing is ready, and a ready case otherwise', async () => {
    const channel = new Channel<number>(1);
    await expect(select({ c: channel.receiving() }, { default: true })).resolves.toEqual({
      case: 'default',
      value: undefined,
      ok: false,
    });
    channel.trySend(3);
    await expect(select({ c: channel.receiving() }, { default: true })).resolves.toEqual({
      case: 'c',
      value: 3,
      ok: true,
    });
  });

  it('rejects on abort with the same reason and withdraws every waiter', async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const controller = new AbortController();
    const done = new AbortController();
    const pending = select(
      { a: a.receiving(), b: b.sending(1), done: done.signal },
      { signal: controller.signal },
    );
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(abortListeners(done.signal)).toBe(0);
    expect(a.trySend(1)).toBe(false);
    expect(b.tryReceive()).toBeUndefined();
  });

  it('rejects at once on an already-aborted signal, taking nothing', async () => {
    const channel = new Channel<number>(1);
    channel.trySend(1);
    const reason = new Error('already');
    await expect(select({ c: channel.receiving() }, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(channel.length).toBe(1);
  });

  it('throws for bad arguments, naming them', () => {
    expect(() => select(null as never)).toThrow(
      new TypeError('Expected `cases` to be an object of named cases, got null'),
    );
    expect(() => select({ x: 42 as never })).toThrow(
      new TypeError(
        'Expected case `x` to be channel.receiving(), channel.sending(value), a promise or an AbortSignal, got 42',
      ),
    );
    const idle = { idle: new AbortController().signal };
    expect(() => select(idle, { signal: 1 as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got 1'),
    );
    expect(() => select(idle, { default: 'yes' as never })).toThrow(
      new TypeError('Expected `default` to be a boolean, got "yes"'),
    );
  });

  it("refuses cases with no case at all (Go's select {}, which would hang) with a TypeError", () => {
    expect(() => select({})).toThrow(
      new TypeError('Expected `cases` to be an object of named cases, got an object with no case'),
    );
    expect(() => select({}, { default: true })).toThrow(TypeError);
    expect(() => select(new Map() as never)).toThrow(
      new TypeError('Expected `cases` to be an object of named cases, got an instance of Map with no case'),
    );
  });

  it('refuses a single case passed where the object of named cases belongs', () => {
    const channel = new Channel<number>();
    const message =
      'Expected `cases` to be an object of named cases, got a single case (name it: `select({ name: theCase })`)';
    expect(() => select(channel.receiving() as never)).toThrow(new TypeError(message));
    expect(() => select(channel.sending(1) as never)).toThrow(new TypeError(message));
    expect(() => select(new AbortController().signal as never)).toThrow(new TypeError(message));
    expect(() => select(new Promise(() => {}) as never)).toThrow(new TypeError(message));
    expect(() => select(channel as never)).toThrow(TypeError);
  });

  it('marks its promise cases handled when an already-aborted signal refuses it', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const late = deferred<number>();
      const reason = new Error('already');
      await expect(select({ late: late.promise }, { signal: AbortSignal.abort(reason) })).rejects.toBe(
        reason,
      );
      late.reject(new Error('rejected after the select was refused'));
      await turns(2);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('types the value of each case', async () => {
    const numbers = new Channel<number>(1);
    numbers.trySend(1);
    const got = await select({ n: numbers.receiving(), s: Promise.resolve('s') });
    if (got.case === 'n' && got.ok) {
      const value: number = got.value;
      expect(value).toBe(1);
    } else {
      throw new Error(`unexpected ${got.case}`);
    }
  });

  it('delivers every buffered value exactly once and lets every ready case win some of the time (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 6 }), close: fc.boolean() }), {
          minLength: 2,
          maxLength: 5,
        }),
        async (specs) => {
          const channels = specs.map(({ count, close }, c) => {
            const channel = new Channel<string>(count);
            for (let i = 0; i < count; i++) channel.trySend(`${c}:${i}`);
            if (close) channel.close();
            return channel;
          });
          const cases = Object.fromEntries(channels.map((channel, c) => [`c${c}`, channel.receiving()]));
          const received: string[] = [];
          const total = specs.reduce((sum, { count }) => sum + count, 0);
          while (received.length < total) {
            const got = await select(cases, { default: true });
            if (got.case === 'default') throw new Error('a value was ready');
            if (got.ok) received.push(got.value as string);
          }
          expect(received.sort()).toEqual(
            specs.flatMap(({ count }, c) => Array.from({ length: count }, (_, i) => `${c}:${i}`)).sort(),
          );
          // Drained closed channels stay ready (ok: false): each must win some of 120 selects.
          // A case of at most 5 misses all 120 with probability (4/5)^120 ≈ 2e-12.
          const wins = new Set<string>();
          for (let i = 0; i < 120; i++) wins.add((await select(cases, { default: true })).case);
          const ready = specs.flatMap(({ close }, c) => (close ? [`c${c}`] : []));
          expect([...wins].sort()).toEqual(ready.length > 0 ? ready.sort() : ['default']);
          for (const channel of channels) if (!channel.closed) expect(channel.tryReceive()).toBeUndefined();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('loses and duplicates nothing when concurrent selects contend with jittered senders (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 20 }),
        async (capacities, consumers, jitter) => {
          const channels = capacities.map((capacity) => new Channel<string>(capacity));
          const perChannel = 5;
          const total = channels.length * perChannel;
          const received: string[] = [];
          const stop = new AbortController();
          let tick = 0;
          const producers = channels.map(async (channel, c) => {
            for (let i = 0; i < perChannel; i++) {
              await ticks(jitter[tick++ % jitter.length]);
              await channel.send(`${c}:${i}`);
            }
          });
          const cases = Object.fromEntries(channels.map((channel, c) => [`c${c}`, channel.receiving()]));
          const readers = Array.from({ length: consumers }, async () => {
            for (;;) {
              const got = await select(cases, { signal: stop.signal }).catch(() => undefined);
              if (!got) return;
              received.push(got.value as string);
              if (received.length === total) stop.abort();
              await ticks(jitter[tick++ % jitter.length]);
            }
          });
          await Promise.all(producers);
          await Promise.all(readers);
          expect(received.sort()).toEqual(
            channels.flatMap((_, c) => Array.from({ length: perChannel }, (_, i) => `${c}:${i}`)).sort(),
          );
          expect(abortListeners(stop.signal)).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('is fair: each of several always-ready cases wins a fair share', async () => {
    const channels = [0, 1, 2].map(() => new Channel<number>(1));
    channels.forEach((channel) => channel.close());
    const cases = { a: channels[0].receiving(), b: channels[1].receiving(), c: channels[2].receiving() };
    const wins: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) wins[(await select(cases)).case]++;
    // Binomial(3000, 1/3): mean 1000, sd ≈ 26; 800 is ~8 sd away.
    for (const count of Object.values(wins)) expect(count).toBeGreaterThan(800);
    expect(scope().leaks()).toEqual([]);
  });
});
