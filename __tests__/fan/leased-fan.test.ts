import { join } from 'node:path';
import { collect, forEach, map, merge, parallelMap, pipe, split, tee, workerMap } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { acks, leased } from '../lease-source.js';

useLeakCheck();

// Fan-in and fan-out over a source with `ack: 'auto'` carry each message on: it is acknowledged
// once every reader is done with what came of it, and never before.
describe('tee over a source that carries leases', () => {
  it('acknowledges a message once every output is done with it', async () => {
    const { source, log } = leased(3);
    const [a, b] = tee(source, 2, { capacity: 4 });
    const first = await collect(a);
    expect(first).toEqual([0, 1, 2]);
    expect(log).toEqual([]); // b has read nothing yet
    const seen: string[] = [];
    await forEach(b, (n) => void seen.push(`${n} acked before: ${acks(log)}`));
    expect(seen).toEqual(['0 acked before: 0', '1 acked before: 1', '2 acked before: 2']);
    expect(log).toEqual(['ack 0', 'ack 1', 'ack 2']);
  });

  it('carries the leases on when an output is piped further', async () => {
    const { source, log } = leased(2);
    const [a, b] = tee(source, 2);
    const [x, y] = await Promise.all([
      collect(
        pipe(
          a,
          map((n: number) => n * 10),
        ),
      ),
      collect(
        pipe(
          b,
          parallelMap(async (n: number) => n + 1),
        ),
      ),
    ]);
    expect([x, y]).toEqual([
      [0, 10],
      [1, 2],
    ]);
    expect(log.sort()).toEqual(['ack 0', 'ack 1']);
  });

  it('leaves what an output broke on unacknowledged; what came after it left needs only the others', async () => {
    const { source, log } = leased(3);
    const [a, b] = tee(source, 2, { capacity: 3 });
    for await (const n of a) if (n === 1) break; // a was done with 0, not with 1; 2 came after
    await collect(b);
    expect(log).toEqual(['ack 0', 'ack 2']);
  });
});

describe('split over a source that carries leases', () => {
  it('acknowledges each message when the output it was routed to is done with it', async () => {
    const { source, log } = leased(4);
    const [even, odd] = split(
      pipe(
        source,
        map((n: number) => n),
      ),
      2,
      { by: (n: number) => n % 2, capacity: 4 },
    );
    const [x, y] = await Promise.all([collect(even), collect(odd)]);
    expect([x, y]).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(log.sort()).toEqual(['ack 0', 'ack 1', 'ack 2', 'ack 3']);
  });
});

describe('merge with a source that carries leases', () => {
  it('acknowledges its messages when the sink is done, and gives plain sources none', async () => {
    const { source, log } = leased(3);
    const seen: string[] = [];
    await forEach(
      pipe(
        merge(source, ['a']),
        map((v: number | string) => v),
      ),
      (v, { message }) => {
        seen.push(`${v}:${(message as { id?: string } | undefined)?.id ?? '-'}`);
      },
    );
    expect(seen.sort()).toEqual(['0:0', '1:1', '2:2', 'a:-']);
    expect(log.sort()).toEqual(['ack 0', 'ack 1', 'ack 2']);
  });

  it('rejects with the abort reason itself and acknowledges nothing unfinished', async () => {
    const { source, log } = leased(3);
    const controller = new AbortController();
    const reason = new Error('stop');
    const run = forEach(pipe(merge(source), { signal: controller.signal }), (v) => {
      if (v === 1) controller.abort(reason);
    });
    await expect(run).rejects.toBe(reason);
    expect(log).toEqual(['ack 0']);
  });

  it('acknowledges nothing a for await broke on', async () => {
    const { source, log } = leased(3);
    for await (const v of merge(source)) if (v === 1) break;
    expect(log).toEqual(['ack 0']);
  });
});

describe('workerMap over a source that carries leases', () => {
  it('acknowledges each message once its result is consumed, in either order', async () => {
    const { source, log } = leased(4);
    const worker = join(__dirname, '..', 'fixtures', 'double.cjs');
    const out = await collect(
      pipe(source, workerMap<number, number>(worker, { concurrency: 2, ordered: false })),
    );
    expect(out.sort((p, q) => p - q)).toEqual([0, 2, 4, 6]);
    expect(log.sort()).toEqual(['ack 0', 'ack 1', 'ack 2', 'ack 3']);
  });
});
