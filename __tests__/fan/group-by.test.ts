import fc from 'fast-check';
import { flatten, groupBy, map, pipe } from '../../lib/index.js';
import type { Grouped, Stage } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();

/** One group holding everything, read through flatten: the contract sees the source's values. */
const oneGroup: Stage<number, number> = (source, context) =>
  pipe(
    source,
    groupBy(() => 'all'),
    map((group: Grouped<string, number>) => group.values),
    flatten(),
    { signal: context.signal },
  );
describeContract(
  'groupBy (one group)',
  { build: () => oneGroup, expected: (input) => input, hasCallback: false },
  scope,
);

async function readAll<K, T>(grouped: AsyncIterable<Grouped<K, T>>): Promise<Map<K, T[]>> {
  const out = new Map<K, T[]>();
  const reading: Promise<void>[] = [];
  for await (const { key, values } of grouped) {
    const items: T[] = [];
    out.set(key, items);
    const read = (async () => {
      for await (const value of values) items.push(value);
    })();
    // A group fails with the stream's error: seen through the stream, not left unhandled.
    read.catch(() => undefined);
    reading.push(read);
  }
  await Promise.all(reading);
  return out;
}

describe('groupBy', () => {
  it('yields each key the first time it is seen, with its items in order', async () => {
    const out = await readAll(
      pipe(
        [1, 2, 3, 4, 5, 6, 7],
        groupBy((n: number) => n % 3),
      ),
    );
    expect([...out.keys()]).toEqual([1, 2, 0]);
    expect(out.get(1)).toEqual([1, 4, 7]);
    expect(out.get(2)).toEqual([2, 5]);
    expect(out.get(0)).toEqual([3, 6]);
  });

  it('holds the source back while a group is full and unread, as Go blocks on a full channel', async () => {
    const source = spySource([1, 1, 1, 2, 2]);
    const iterator = pipe(
      source,
      groupBy((n: number) => n, { capacity: 2 }),
    )[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as Grouped<number, number>;
    expect(first.key).toBe(1);
    const second = iterator.next();
    await ticks(30);
    // The group holds two unread items: the third is not read until the group is.
    expect(source.log.pulls).toBe(2);
    await expect(first.values.next()).resolves.toEqual({ done: false, value: 1 });
    await ticks(30);
    expect(source.log.pulls).toBe(3);
    await expect(first.values.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(second).resolves.toMatchObject({ done: false, value: { key: 2 } });
    await iterator.return!();
    expect(source.log.finalized).toBe(true);
  });

  it('drops the later items of a group that was returned', async () => {
    const out: number[] = [];
    for await (const { key, values } of pipe(
      [1, 2, 1, 2, 1],
      groupBy((n: number) => n),
    )) {
      if (key === 1) await values.return();
      else
        void (async () => {
          for await (const v of values) out.push(v);
        })();
    }
    await ticks(10);
    expect(out).toEqual([2, 2]);
  });

  it('fails the stream and every group after its unread items on a source error', async () => {
    const error = new Error('source failed');
    const iterator = pipe(
      spySource([1, 1], { failAt: 2, error }),
      groupBy((n: number) => n, { capacity: 4 }),
    )[Symbol.asyncIterator]();
    const group = (await iterator.next()).value as Grouped<number, number>;
    await expect(iterator.next()).rejects.toBe(error);
    await expect(group.values.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(group.values.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(group.values.next()).rejects.toBe(error);
  });

  it('fails with what key throws', async () => {
    const error = new Error('no key');
    const run = readAll(
      pipe(
        [1, 2],
        groupBy((n: number) => {
          if (n === 2) throw error;
          return n;
        }),
      ),
    );
    await expect(run).rejects.toBe(error);
  });

  it('ends every group and returns the source when the stream is returned', async () => {
    const source = spySource([1, 2, 3]);
    const iterator = pipe(
      source,
      groupBy((n: number) => n),
    )[Symbol.asyncIterator]();
    const group = (await iterator.next()).value as Grouped<number, number>;
    await iterator.return!();
    await expect(group.values.next()).resolves.toEqual({ done: true, value: undefined });
    expect(source.log.finalized).toBe(true);
  });

  it('rejects the stream and every pending group read with the same reason on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = pipe(
      spySource([1, 2]),
      groupBy((n: number) => n),
      { signal: controller.signal },
    )[Symbol.asyncIterator]();
    const group = (await iterator.next()).value as Grouped<number, number>;
    await expect(group.values.next()).resolves.toEqual({ done: false, value: 1 });
    const pendingGroup = group.values.next();
    const pending = iterator.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(pendingGroup).rejects.toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('throws at build time naming a bad argument', () => {
    expect(() => groupBy(1 as never)).toThrow(new TypeError('Expected `key` to be a function, got 1'));
    expect(() => groupBy((n) => n, { capacity: 0 })).toThrow(
      new RangeError('Expected `capacity` to be an integer ≥ 1, got 0'),
    );
  });

  it('loses and duplicates nothing and keeps each key in order, however groups are read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(4)), { maxLength: 20 }),
        fc.integer({ min: 1, max: 3 }),
        async (items, capacity) => {
          const values = items.map(([key], id) => ({ key, id }));
          const grouped = pipe(
            spySource(values, { jitter: (i) => items[i]?.[1] ?? 0 }),
            groupBy((v: { key: string }) => v.key, { capacity }),
          );
          const out = await readAll(grouped);
          for (const key of new Set(values.map((v) => v.key)))
            expect(out.get(key)!.map((v) => (v as unknown as { id: number }).id)).toEqual(
              values.filter((v) => v.key === key).map((v) => v.id),
            );
          expect([...out.values()].flat().length).toBe(values.length);
        },
      ),
    );
  });
});
