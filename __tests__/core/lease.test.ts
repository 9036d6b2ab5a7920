import {
  batch,
  collect,
  filter,
  flatMap,
  forEach,
  map,
  parallelMap,
  pipe,
  take,
  tap,
} from '../../lib/index.js';
import { acks, leased } from '../lease-source.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

describe('pipelines over a source that carries leases', () => {
  it('acknowledges each value once its sink callback resolved, and a filtered one when dropped', async () => {
    const { source, log } = leased(4);
    const seen: string[] = [];
    await forEach(
      pipe(
        source,
        filter((n: number) => n !== 1),
      ),
      (n, { message }) => {
        seen.push(`${n} ${(message as { id: string }).id} acked before: ${acks(log)}`);
      },
    );
    expect(seen).toEqual(['0 0 acked before: 0', '2 2 acked before: 2', '3 3 acked before: 3']);
    expect(log).toEqual(['ack 0', 'ack 1', 'ack 2', 'ack 3']);
  });

  it('in a for await, acknowledges a value when the body asks for the next, and not on break', async () => {
    const { source, log } = leased(5);
    for await (const n of pipe(
      source,
      map((n: number) => n * 2),
    )) {
      expect(acks(log)).toBe(n / 2);
      if (n === 4) break;
    }
    expect(log).toEqual(['ack 0', 'ack 1']);
  });

  it('naks the value whose callback failed, and acknowledges nothing after', async () => {
    const { source, log } = leased(6);
    const error = new Error('failed at 3');
    await expect(
      forEach(
        pipe(
          source,
          parallelMap(async (n: number) => n, { concurrency: 2, ordered: false }),
        ),
        (n) => {
          if (n === 3) throw error;
        },
      ),
    ).rejects.toBe(error);
    expect(log.slice(0, 4)).toEqual(['ack 0', 'ack 1', 'ack 2', 'nak 3']);
    expect(log.some((line) => /ack [4-5]/.test(line))).toBe(false);
  });

  it('acknowledges a batch when the batch is done, and a flatMap item when all it made is done', async () => {
    const { source, log } = leased(4);
    const batches = await collect(
      pipe(
        source,
        batch(2),
        tap(() => void log.push('batch')),
      ),
    );
    expect(batches).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(log).toEqual(['batch', 'ack 0', 'ack 1', 'batch', 'ack 2', 'ack 3']);

    const flat = leased(2);
    const out: string[] = [];
    await forEach(
      pipe(
        flat.source,
        flatMap((n: number) => [`${n}a`, `${n}b`]),
      ),
      (value) => {
        out.push(`${value} (${flat.log.join(',')})`);
      },
    );
    expect(out).toEqual(['0a ()', '0b ()', '1a (ack 0)', '1b (ack 0)']);
    expect(flat.log).toEqual(['ack 0', 'ack 1']);
  });

  it('take ends the pipeline: values it never let through are not acknowledged', async () => {
    const { source, log } = leased(10);
    expect(await collect(pipe(source, take(3)))).toEqual([0, 1, 2]);
    expect(log).toEqual(['ack 0', 'ack 1', 'ack 2']);
  });

  it('refuses a foreign stage when the pipeline is built, naming it and its position', () => {
    const { source } = leased(1);
    const foreign = (input: AsyncIterable<number>) => input;
    expect(() =>
      pipe(
        source,
        map((n: number) => n),
        foreign,
      ),
    ).toThrow(TypeError);
    expect(() =>
      pipe(
        source,
        map((n: number) => n),
        foreign,
      ),
    ).toThrow(/`foreign` \(a foreign stage\) at position 2/);
  });
});

describe('combinators that do not carry acknowledgements', () => {
  it('refuse a source with ack: auto rather than acknowledge early', async () => {
    const { zip, concat } = await import('../../lib/index.js');
    const { source } = leased(1);
    expect(() => zip([1], source)).toThrow(/zip .*position 2/);
    expect(() => concat(source)).toThrow(/concat/);
  });
});
