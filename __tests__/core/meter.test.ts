import { map as ixMap } from 'ix/asynciterable/operators';
import {
  after,
  batch,
  collect,
  drain,
  filter,
  map,
  Meter,
  named,
  parallelMap,
  pipe,
  range,
  type MeterSnapshot,
  type StageSnapshot,
} from '../../lib/index.js';
import { TestClock, useLeakCheck, useTestClock } from '../../lib/testing/index.js';

useLeakCheck();

let clock: TestClock;
beforeEach(() => {
  clock = useTestClock();
});
afterEach(() => clock.uninstall());

const share = (stage: StageSnapshot, ms: number): number =>
  ms / (stage.busyMs + stage.waitingUpstreamMs + stage.waitingDownstreamMs);
const byName = (snapshot: MeterSnapshot, name: string): StageSnapshot =>
  snapshot.stages.find((stage) => stage.name === name)!;
const slowly = async (n: number): Promise<number> => {
  await after(10);
  return n;
};

/** Runs `promise` to its end on the test clock. */
async function run<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {}); // told to the caller below, not unhandled meanwhile
  await clock.runAll();
  return promise;
}

describe('Meter', () => {
  it('names a 10 ms-per-item fused stage as the bottleneck, busy above 80 %, its upstream waiting downstream', async () => {
    const meter = new Meter();
    const fast = (n: number): number => n + 1;
    const out = await run(
      collect(pipe(range(0, 20), named('fast', map(fast)), named('slow', map(slowly)), map(fast), { meter })),
    );
    expect(out).toHaveLength(20);
    const snapshot = meter.snapshot();
    expect(snapshot.bottleneck).toBe('slow');
    const slow = byName(snapshot, 'slow');
    expect(share(slow, slow.busyMs)).toBeGreaterThan(0.8);
    expect(slow.busyMs).toBeGreaterThanOrEqual(200);
    const upstream = byName(snapshot, 'fast');
    expect(share(upstream, upstream.waitingDownstreamMs)).toBeGreaterThan(0.8);
    const downstream = snapshot.stages[3]!;
    expect(downstream.name).toBe('map');
    expect(share(downstream, downstream.waitingUpstreamMs)).toBeGreaterThan(0.8);
    expect(snapshot.elapsedMs).toBeGreaterThanOrEqual(200);
    expect(meter.format()).toMatch(/slow .*◀ bottleneck/);
  });

  it('names a parallelMap at concurrency 1 between fast stages as the bottleneck', async () => {
    const meter = new Meter();
    const fast = (n: number): number => n * 2;
    await run(
      drain(pipe(range(0, 20), map(fast), parallelMap(slowly, { concurrency: 1 }), map(fast), { meter })),
    );
    const snapshot = meter.snapshot();
    expect(snapshot.bottleneck).toBe('parallelMap');
    const slow = snapshot.stages[2]!;
    expect(slow).toMatchObject({ name: 'parallelMap', position: 2, in: 20, out: 20, capacity: 1 });
    expect(share(slow, slow.busyMs)).toBeGreaterThan(0.8);
    expect(share(snapshot.stages[1]!, snapshot.stages[1]!.waitingDownstreamMs)).toBeGreaterThan(0.8);
    expect(share(snapshot.stages[3]!, snapshot.stages[3]!.waitingUpstreamMs)).toBeGreaterThan(0.8);
  });

  it('counts busy time at concurrency n as the time-average of calls in flight over n', async () => {
    const meter = new Meter();
    // 4 slots, each call 10 ms, 2 at a time from a source that gives one item every 5 ms.
    async function* every5ms(): AsyncGenerator<number> {
      for (let i = 0; i < 40; i++) {
        await after(5);
        yield i;
      }
    }
    await run(drain(pipe(every5ms(), parallelMap(slowly, { concurrency: 4 }), { meter })));
    const stage = meter.snapshot().stages[1]!;
    expect(share(stage, stage.busyMs)).toBeGreaterThan(0.4);
    expect(share(stage, stage.busyMs)).toBeLessThan(0.6);
  });

  it('makes the bottleneck undefined with a slow consumer, the last stage waiting downstream', async () => {
    const meter = new Meter();
    const reading = (async () => {
      for await (const _ of pipe(
        range(0, 20),
        map((n: number) => n + 1),
        { meter },
      ))
        await after(10);
    })();
    await run(reading);
    const snapshot = meter.snapshot();
    expect(snapshot.bottleneck).toBeUndefined();
    const last = snapshot.stages[snapshot.stages.length - 1]!;
    expect(share(last, last.waitingDownstreamMs)).toBeGreaterThan(0.8);
  });

  it('counts in, out and errors exactly, the source first', async () => {
    const meter = new Meter();
    const out = await run(
      collect(
        pipe(
          range(0, 10),
          map((n: number) => n * 3),
          filter((n: number) => n % 2 === 0),
          batch(2),
          map((b: number[]) => b.length),
          { meter },
        ),
      ),
    );
    expect(out).toEqual([2, 2, 1]);
    const counts = meter.snapshot().stages.map(({ name, position, in: i, out: o, errors, state }) => ({
      name,
      position,
      in: i,
      out: o,
      errors,
      state,
    }));
    expect(counts).toEqual([
      { name: 'source', position: 0, in: 0, out: 10, errors: 0, state: 'done' },
      { name: 'map', position: 1, in: 10, out: 10, errors: 0, state: 'done' },
      { name: 'filter', position: 2, in: 10, out: 5, errors: 0, state: 'done' },
      { name: 'batch', position: 3, in: 5, out: 3, errors: 0, state: 'done' },
      { name: 'map', position: 4, in: 3, out: 3, errors: 0, state: 'done' },
    ]);
    expect(meter.snapshot().stages[3]!.capacity).toBe(2);
  });

  it('marks the stage whose callback threw as failed, with one error, and the others done', async () => {
    const meter = new Meter();
    const boom = new Error('boom');
    const failing = pipe(
      range(0, 10),
      named(
        'check',
        map((n: number) => {
          if (n === 3) throw boom;
          return n;
        }),
      ),
      parallelMap(async (n: number) => n, { concurrency: 2 }),
      { meter },
    );
    await expect(run(drain(failing))).rejects.toBe(boom);
    const { stages } = meter.snapshot();
    expect(stages.map((s) => [s.name, s.state, s.errors])).toEqual([
      ['source', 'done', 0],
      ['check', 'failed', 1],
      ['parallelMap', 'done', 0],
    ]);
    expect(stages[1]).toMatchObject({ in: 4, out: 3 });
  });

  it('marks a failing source as failed and counts its error', async () => {
    const meter = new Meter();
    const boom = new Error('source broke');
    async function* breaks(): AsyncGenerator<number> {
      yield 1;
      throw boom;
    }
    await expect(
      run(
        drain(
          pipe(
            breaks(),
            map((n: number) => n),
            { meter },
          ),
        ),
      ),
    ).rejects.toBe(boom);
    expect(meter.snapshot().stages.map((s) => [s.state, s.errors])).toEqual([
      ['failed', 1],
      ['done', 0],
    ]);
  });

  it('reports each stage live while the pipeline runs, and an empty snapshot before it starts', async () => {
    const meter = new Meter();
    const pipeline = pipe(range(0, 5), named('slow', map(slowly)), { meter });
    expect(meter.snapshot()).toEqual({ elapsedMs: 0, stages: [], bottleneck: undefined });
    expect(meter.running).toBe(false);
    const iterator = pipeline[Symbol.asyncIterator]();
    const first = iterator.next();
    await clock.advance(5);
    const live = meter.snapshot();
    expect(meter.running).toBe(true);
    expect(live.elapsedMs).toBe(5);
    expect(live.stages[1]).toMatchObject({ name: 'slow', state: 'busy', inFlight: 1, stateMs: 5 });
    expect(live.stages[0]!.state).toBe('waiting-downstream');
    await clock.advance(5);
    await first;
    await iterator.return!();
    expect(meter.ended).toBe(true);
    expect(meter.snapshot().stages.map((s) => s.state)).toEqual(['done', 'done']);
  });

  it('names ix operators by their operator, and named() ones by their name', async () => {
    const meter = new Meter();
    await run(
      drain(
        pipe(
          range(0, 3),
          ixMap((n: number) => n),
          named(
            'double',
            ixMap((n: number) => n * 2),
          ),
          { meter },
        ),
      ),
    );
    expect(meter.snapshot().stages.map((s) => [s.name, s.in, s.out])).toEqual([
      ['source', 0, 3],
      ['map', 3, 3],
      ['double', 3, 3],
    ]);
  });

  it('rejects what is not a Meter, naming the option and the value', () => {
    expect(() => pipe(range(0, 1), { meter: {} as Meter })).toThrow(
      new TypeError('Expected `meter` to be a Meter (new Meter()), got an object'),
    );
    expect(() => pipe(range(0, 1), { meter: null as unknown as Meter })).toThrow(TypeError);
  });
});

describe('named', () => {
  it('rejects an empty name and a stage that is not a function', () => {
    expect(() =>
      named(
        '',
        map((n: number) => n),
      ),
    ).toThrow(new TypeError('Expected `name` to be a non-empty string, got ""'));
    expect(() =>
      named(
        5 as unknown as string,
        map((n: number) => n),
      ),
    ).toThrow(TypeError);
    expect(() => named('x', 5 as never)).toThrow(new TypeError('Expected `stage` to be a function, got 5'));
  });

  it('leaves the stage working as before, inside pipe and on its own', async () => {
    const double = named(
      'double',
      map((n: number) => n * 2),
    );
    expect(await run(collect(pipe(range(0, 3), double)))).toEqual([0, 2, 4]);
    expect(await run(collect(double(range(0, 3), { signal: new AbortController().signal })))).toEqual([
      0, 2, 4,
    ]);
  });
});
