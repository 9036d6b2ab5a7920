import fc from 'fast-check';
import { Channel, collect, select } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeWaitContract } from '../flow/wait-contract.js';
import { ticks } from '../helpers.js';

const scope = useLeakCheck();

describeWaitContract(
  "Channel.send with overflow: 'block'",
  {
    blocked: () => {
      const channel = new Channel<number>(1, { overflow: 'block' });
      channel.trySend(0);
      return {
        wait: (signal) => channel.send(1, { signal }),
        took: () => channel.length !== 1,
        dispose: () => {},
      };
    },
    free: () => {
      const channel = new Channel<number>(1, { overflow: 'block' });
      return {
        wait: (signal) => channel.send(1, { signal }),
        took: () => channel.length !== 0,
        dispose: () => {},
      };
    },
    bad: [
      [
        'an unknown overflow',
        () => new Channel(1, { overflow: 'drop' as never }),
        new TypeError('Expected `overflow` to be one of "block", "drop-newest", "drop-oldest", got "drop"'),
      ],
      [
        'a drop policy without room',
        () => new Channel(0, { overflow: 'drop-newest' }),
        new RangeError('Expected `capacity` to be an integer ≥ 1 with overflow "drop-newest", got 0'),
      ],
      [
        'a bad onDrop',
        () => new Channel(1, { onDrop: 'x' as never }),
        new TypeError('Expected `onDrop` to be a function, got "x"'),
      ],
    ],
  },
  scope,
);

for (const overflow of ['drop-newest', 'drop-oldest'] as const)
  describeWaitContract(
    `Channel.send with overflow: '${overflow}'`,
    {
      free: () => {
        const channel = new Channel<number>(1, { overflow });
        channel.trySend(0);
        return {
          wait: (signal) => channel.send(1, { signal }),
          took: () => channel.dropped !== 0,
          dispose: () => {},
        };
      },
      bad: [
        [
          'a bad signal',
          () => new Channel<number>(1, { overflow }).send(1, { signal: 1 as never }),
          new TypeError('Expected `signal` to be an AbortSignal, got 1'),
        ],
      ],
    },
    scope,
  );

describe('Channel overflow policies', () => {
  it('drops the newest value when full, never blocking the sender, and counts every drop', async () => {
    const drops: number[] = [];
    const channel = new Channel<number>(2, { overflow: 'drop-newest', onDrop: (n) => drops.push(n) });
    for (const n of [1, 2, 3, 4]) await channel.send(n);
    expect(channel.trySend(5)).toBe(true);
    expect(channel.dropped).toBe(3);
    expect(drops).toEqual([3, 4, 5]);
    channel.close();
    await expect(collect(channel)).resolves.toEqual([1, 2]);
  });

  it('drops the oldest value when full; capacity 1 keeps the latest (conflate)', async () => {
    const channel = new Channel<number>(1, { overflow: 'drop-oldest' });
    for (const n of [1, 2, 3]) await channel.send(n);
    expect(channel.dropped).toBe(2);
    await expect(channel.receive()).resolves.toEqual({ value: 3, ok: true });
    await channel.send(4);
    channel.close();
    await expect(collect(channel)).resolves.toEqual([4]);
  });

  it('hands a value straight to a waiting receiver, dropping nothing', async () => {
    const channel = new Channel<number>(1, { overflow: 'drop-newest' });
    const received = channel.receive();
    await channel.send(1);
    await channel.send(2);
    await channel.send(3);
    await expect(received).resolves.toEqual({ value: 1, ok: true });
    expect(channel.dropped).toBe(1);
  });

  it('is always ready as a select send case', async () => {
    const channel = new Channel<number>(1, { overflow: 'drop-oldest' });
    channel.trySend(1);
    await expect(select({ out: channel.sending(2) })).resolves.toMatchObject({ case: 'out' });
    expect(channel.dropped).toBe(1);
  });

  it('rejects the send (and throws from trySend) with what onDrop throws, still counting the drop', async () => {
    const error = new Error('onDrop failed');
    const channel = new Channel<number>(1, {
      overflow: 'drop-newest',
      onDrop: () => {
        throw error;
      },
    });
    channel.trySend(0);
    await expect(channel.send(1)).rejects.toBe(error);
    expect(() => channel.trySend(2)).toThrow(error);
    expect(channel.dropped).toBe(2);
  });

  it('delivers a subsequence of what was sent, in order, and dropped + delivered = sent (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('drop-newest' as const, 'drop-oldest' as const),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(fc.nat(3), { maxLength: 12 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 3 }),
        async (overflow, capacity, producers, consumers) => {
          const channel = new Channel<number>(capacity, { overflow });
          const sent: number[] = [];
          const delivered: number[] = [];
          let next = 0;
          const producing = producers.map(async (pauses) => {
            for (const pause of pauses) {
              await ticks(pause);
              const value = next++;
              sent.push(value);
              await channel.send(value);
            }
          });
          const consuming = consumers.map(async (pause) => {
            for (;;) {
              await ticks(pause);
              const { value, ok } = await channel.receive();
              if (!ok) return;
              delivered.push(value as number);
            }
          });
          await Promise.all(producing);
          channel.close();
          await Promise.all(consuming);
          let at = 0;
          for (const value of delivered) {
            at = sent.indexOf(value, at);
            if (at === -1) return false;
            at++;
          }
          return channel.dropped + delivered.length === sent.length;
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('Channel.close(error)', () => {
  it('lets every receiver drain the buffered values, then rejects each with the error', async () => {
    const error = new Error('producer failed');
    const channel = new Channel<number>(2);
    channel.trySend(1);
    channel.trySend(2);
    channel.close(error);
    await expect(channel.receive()).resolves.toEqual({ value: 1, ok: true });
    expect(channel.tryReceive()).toEqual({ value: 2, ok: true });
    await expect(channel.receive()).rejects.toBe(error);
    await expect(channel.receive()).rejects.toBe(error);
    expect(() => channel.tryReceive()).toThrow(error);
    await expect(select({ in: channel.receiving() })).rejects.toBe(error);
    await expect(channel.send(3)).rejects.toThrow('Cannot send on a closed channel');
  });

  it('rejects waiting receivers and select cases, and fails an iteration after its values', async () => {
    const error = { reason: 'not an Error' };
    const channel = new Channel<number>();
    const waiting = channel.receive();
    const selecting = select({ in: channel.receiving() });
    const iterating = (async () => {
      const values: number[] = [];
      try {
        for await (const value of channel) values.push(value);
      } catch (caught) {
        return { values, caught };
      }
      return { values };
    })();
    await ticks(3);
    channel.close(error);
    await expect(waiting).rejects.toBe(error);
    await expect(selecting).rejects.toBe(error);
    await expect(iterating).resolves.toEqual({ values: [], caught: error });
  });

  it('iterates the buffered values before the error', async () => {
    const error = new Error('late');
    const channel = new Channel<number>(3);
    for (const n of [1, 2, 3]) channel.trySend(n);
    channel.close(error);
    const values: number[] = [];
    await expect(
      (async () => {
        for await (const value of channel) values.push(value);
      })(),
    ).rejects.toBe(error);
    expect(values).toEqual([1, 2, 3]);
  });
});
