import fc from 'fast-check';
import { collect, parallelMap, pipe } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { deferred, spySource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'parallelMap (keyed, ordered)',
  {
    build: (fn) => parallelMap(fn, { concurrency: 3, key: (n: number) => n % 2 }),
    expected: (input) => input,
    hasCallback: true,
  },
  scope,
);
describeContract(
  'parallelMap (keyed, unordered)',
  {
    build: (fn) => parallelMap(fn, { concurrency: 3, ordered: false, key: (n: number) => n % 2 }),
    expected: (input) => input,
    hasCallback: true,
  },
  scope,
);

interface Job {
  id: number;
  key: string;
  ticks: number;
}

describe('parallelMap with key', () => {
  it('runs calls of one key one at a time, in input order, and other keys in parallel', async () => {
    const gates = new Map<number, ReturnType<typeof deferred<void>>>();
    const started: number[] = [];
    const jobs = [
      { id: 0, key: 'a' },
      { id: 1, key: 'a' },
      { id: 2, key: 'b' },
    ];
    for (const job of jobs) gates.set(job.id, deferred<void>());
    const run = collect(
      pipe(
        jobs,
        parallelMap(
          async (job) => {
            started.push(job.id);
            await gates.get(job.id)!.promise;
            return job.id;
          },
          { concurrency: 3, key: (job) => job.key },
        ),
      ),
    );
    await ticks(20);
    expect(started).toEqual([0, 2]);
    gates.get(0)!.resolve();
    await ticks(20);
    expect(started).toEqual([0, 2, 1]);
    gates.get(1)!.resolve();
    gates.get(2)!.resolve();
    await expect(run).resolves.toEqual([0, 1, 2]);
  });

  it('keeps per-key order and peak concurrency 1 per key, losing and duplicating nothing', async () => {
    const job = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), ticks: fc.nat(8) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(job, { maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (specs, concurrency, ordered) => {
          const jobs: Job[] = specs.map((spec, id) => ({ ...spec, id }));
          const running = new Map<string, number>();
          let peakPerKey = 0;
          let peak = 0;
          let total = 0;
          const startedByKey = new Map<string, number[]>();
          const out = await collect(
            pipe(
              spySource(jobs, { jitter: (i) => (i * 7) % 3 }),
              parallelMap(
                async (j: Job) => {
                  const now = (running.get(j.key) ?? 0) + 1;
                  running.set(j.key, now);
                  peakPerKey = Math.max(peakPerKey, now);
                  peak = Math.max(peak, ++total);
                  startedByKey.set(j.key, [...(startedByKey.get(j.key) ?? []), j.id]);
                  await ticks(j.ticks);
                  running.set(j.key, running.get(j.key)! - 1);
                  total--;
                  return j;
                },
                { concurrency, ordered, key: (j: Job) => j.key },
              ),
            ),
          );
          expect([...out].map((j) => j.id).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id));
          if (ordered) expect(out.map((j) => j.id)).toEqual(jobs.map((j) => j.id));
          for (const key of new Set(jobs.map((j) => j.key))) {
            const inInput = jobs.filter((j) => j.key === key).map((j) => j.id);
            expect(out.filter((j) => j.key === key).map((j) => j.id)).toEqual(inInput);
            expect(startedByKey.get(key)).toEqual(inInput);
          }
          expect(peakPerKey).toBeLessThanOrEqual(1);
          expect(peak).toBeLessThanOrEqual(concurrency);
        },
      ),
    );
  });

  it('fails with what key throws, after the calls in flight settle', async () => {
    const error = new Error('no key');
    const run = collect(
      pipe(
        [1, 2, 3],
        parallelMap((n: number) => n, {
          concurrency: 2,
          key: (n: number) => {
            if (n === 2) throw error;
            return n;
          },
        }),
      ),
    );
    await expect(run).rejects.toBe(error);
  });

  it('throws at build time when key is not a function', () => {
    expect(() => parallelMap((n: number) => n, { key: 'id' as never })).toThrow(
      new TypeError('Expected `key` to be a function, got "id"'),
    );
  });
});
