import fc from 'fast-check';
import { runInThisContext } from 'node:vm';
/**
 * Adversarial contract review of the one-core refactor (CONTRACT.md). Each test states the rule it
 * checks; hangs are guarded by `withinTurns` (event-loop turns), never by sleeps.
 */
import {
  batch,
  buffer,
  Channel,
  collect,
  drain,
  flatten,
  from,
  Group,
  heartbeat,
  map,
  merge,
  mergeAll,
  parallelMap,
  pipe,
  repeat,
  select,
  split,
  supervise,
  tee,
} from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import {
  abortListeners,
  captureWarnings,
  deferred,
  settleAll,
  spySource,
  stuckSource,
  ticks,
  turns,
  withinTurns,
} from '../helpers.js';

const scope = useLeakCheck();

describe('review: SyncSource (from(iterable)) under the iterator protocol', () => {
  it('answers overlapping next() calls in order when values are promises (rule 6)', async () => {
    const first = deferred<number>();
    const second = deferred<number>();
    const it = from([first.promise, second.promise])[Symbol.asyncIterator]();
    const a = it.next();
    const b = it.next();
    const order: number[] = [];
    void a.then(() => order.push(1));
    void b.then(() => order.push(2));
    second.resolve(2);
    first.resolve(1);
    const results = await withinTurns(Promise.all([a, b]), 50, 'overlapping next()');
    expect(results).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
    ]);
    expect(order).toEqual([1, 2]);
  });

  it('a rejected promise value fails the pipeline with that error even if the sync return() throws (rule 3, 8)', async () => {
    const boom = new Error('value rejected');
    const iterable: Iterable<Promise<number>> = {
      [Symbol.iterator]() {
        return {
          next: () => ({ done: false, value: Promise.reject(boom) }),
          return: () => {
            throw new Error('return threw');
          },
        };
      },
    };
    const error = await withinTurns(
      collect(
        pipe(
          iterable,
          map((n: number) => n),
        ),
      ).then(
        () => undefined,
        (e: unknown) => e,
      ),
      50,
      'collect',
    );
    expect(error).toBe(boom);
  });
});

describe('review: fairness', () => {
  it('a pipeline over an always-ready source lets a timer run (rule 5)', async () => {
    const controller = new AbortController();
    setImmediate(() => controller.abort(new Error('stop')));
    let n = 0;
    const done = drain(
      pipe(
        repeat(1),
        map((x: number) => {
          if (++n > 300_000) throw new Error('starved: the event loop never turned');
          return x;
        }),
      ),
      { signal: controller.signal },
    );
    await expect(done).rejects.toThrow('stop');
  });

  it('merge over always-ready sources lets a timer run (rule 5)', async () => {
    const controller = new AbortController();
    setImmediate(() => controller.abort(new Error('stop')));
    let n = 0;
    const done = drain(
      pipe(
        merge(repeat(1), repeat(2)),
        map((x: number) => {
          if (++n > 300_000) throw new Error('starved: the event loop never turned');
          return x;
        }),
      ),
      { signal: controller.signal },
    );
    await expect(done).rejects.toThrow('stop');
  });
});

describe('review: router (tee/split) after return()', () => {
  it('tee: next() after the last output returned resolves done, not a value (rule 6)', async () => {
    const [a, b] = tee(spySource([1, 2, 3, 4]), 2, { capacity: 2 });
    const ia = a[Symbol.asyncIterator]();
    const ib = b[Symbol.asyncIterator]();
    expect(await ia.next()).toEqual({ done: false, value: 1 });
    expect(await ia.next()).toEqual({ done: false, value: 2 });
    await ia.return!();
    const returning = ib.return!();
    const after = ib.next();
    await withinTurns(returning, 50, 'return');
    expect(await after).toEqual({ done: true, value: undefined });
  });

  it('split: next() after the last output returned resolves done, not a value (rule 6)', async () => {
    const [a, b] = split(spySource([1, 2, 3, 4]), 2, { capacity: 2 });
    const ia = a[Symbol.asyncIterator]();
    const ib = b[Symbol.asyncIterator]();
    expect(await ia.next()).toEqual({ done: false, value: 1 });
    await ia.return!();
    const returning = ib.return!();
    const after = ib.next();
    await withinTurns(returning, 50, 'return');
    expect(await after).toEqual({ done: true, value: undefined });
  });
});

describe('review: every engine, every way to end', () => {
  type Build = (source: AsyncIterable<number>) => AsyncIterable<unknown>;
  const engines: [string, Build][] = [
    [
      'map',
      (s) =>
        pipe(
          s,
          map((n: number) => n),
        ),
    ],
    [
      'parallelMap',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 3 }),
        ),
    ],
    ['buffer', (s) => pipe(s, buffer(3))],
    ['batch', (s) => pipe(s, batch(2))],
    ['heartbeat', (s) => pipe(s, heartbeat(10_000))],
    ['merge', (s) => merge(s, from<number>([]))],
    ['flatten', (s) => pipe(from([s]), flatten())],
    ['mergeAll', (s) => pipe(from([s]), mergeAll({ concurrency: 2 }))],
    [
      'supervise',
      (s) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
        ),
    ],
    ['tee', (s) => tee(s, 1)[0]],
    ['split', (s) => split(s, 1)[0]],
  ];

  it.each(engines)(
    '%s: a callback that aborts its own pipeline rejects with that exact reason, cleanly',
    async (_, build) => {
      const controller = new AbortController();
      const reason = new Error('abort from inside');
      const source = spySource([1, 2, 3, 4, 5]);
      let seen = 0;
      const pipeline = pipe(
        build(source),
        map((v: unknown) => {
          if (++seen === 2) controller.abort(reason);
          return v;
        }),
        { signal: controller.signal },
      );
      const error = await withinTurns(
        collect(pipeline).then(
          () => 'resolved',
          (e: unknown) => e,
        ),
        100,
        'collect',
      );
      expect(error).toBe(reason);
      expect(abortListeners(controller.signal)).toBe(0);
      await turns(3);
      expect(source.log.returned).toBe(true);
    },
  );

  it.each(engines)(
    '%s: an error thrown by the source return() on break reaches the consumer',
    async (_, build) => {
      const boom = new Error('return() threw');
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]() {
          let i = 0;
          return {
            next: async () => ({ done: false, value: i++ }),
            return: async () => {
              throw boom;
            },
          };
        },
      };
      const it = build(source)[Symbol.asyncIterator]();
      await withinTurns(it.next(), 50, 'first next');
      const error = await withinTurns(
        it.return!().then(
          () => 'resolved',
          (e: unknown) => e,
        ),
        50,
        'return',
      );
      expect(error).toBe(boom);
    },
  );

  it.each(engines)(
    '%s: break while the source is stuck in next() lets go within a few turns',
    async (_, build) => {
      const source = stuckSource<number>();
      const it = build(source)[Symbol.asyncIterator]();
      const pending = it.next();
      try {
        await turns(1);
        await withinTurns(it.return!(), 10, 'return');
        expect(await withinTurns(pending, 10, 'pending next')).toEqual({ done: true, value: undefined });
      } finally {
        source.release();
        await turns(2);
      }
    },
  );

  it.each(engines)(
    '%s: abort while the source is stuck rejects with the same reason before a setTimeout(0)',
    async (_, build) => {
      const source = stuckSource<number>();
      const controller = new AbortController();
      const it = pipe(build(source), { signal: controller.signal })[Symbol.asyncIterator]();
      const pending = it.next().then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await turns(1);
      try {
        const reason = new Error('abort');
        let timerFired = false;
        setTimeout(() => (timerFired = true), 0);
        controller.abort(reason);
        // Microtasks only: a wait for any turn of the event loop may lose the race to the timer.
        let settled = false;
        void pending.then(() => (settled = true));
        await ticks(100);
        expect(settled).toBe(true);
        const error = await pending;
        expect(timerFired).toBe(false);
        expect(error).toBe(reason);
      } finally {
        source.release();
        await turns(2);
      }
    },
  );
});

describe('review: channel iterator feeding a pipeline', () => {
  it('return() while the channel hand-over is deferred: no callback runs after it, pending next() is done (rules 1, 6)', async () => {
    const ch = new Channel<number>(2000);
    for (let i = 0; i < 1000; i++) ch.trySend(i);
    const running: Promise<unknown>[] = [];
    let started = 0;
    let returnedAt = -1;
    let startedAfterReturn = 0;
    const gate = deferred<void>();
    const it = pipe(
      ch,
      map(async (v: number) => {
        started++;
        if (returnedAt >= 0) {
          startedAfterReturn++;
          running.push(gate.promise);
          await gate.promise;
        }
        return v;
      }),
    )[Symbol.asyncIterator]();
    try {
      for (let i = 0; i < 1000; i++) {
        const pending = it.next();
        let settled = false;
        void pending.then(() => (settled = true));
        await ticks(8);
        if (settled) {
          await pending;
          continue;
        }
        // The hand-over waits for the event loop's turn: return() now.
        returnedAt = started;
        let returnSettled = false;
        const returning = it.return!().then(() => (returnSettled = true));
        await withinTurns(returning, 20, 'return');
        const stillRunning = running.length; // callbacks started after return() and not settled
        expect({
          startedAfterReturn,
          stillRunningWhenReturnSettled: stillRunning,
          returnSettled,
          pending: await withinTurns(pending, 20, 'pending next'),
        }).toEqual({
          startedAfterReturn: 0,
          stillRunningWhenReturnSettled: 0,
          returnSettled: true,
          pending: { done: true, value: undefined },
        });
        return;
      }
      throw new Error('never saw a deferred channel hand-over');
    } finally {
      gate.resolve();
      await turns(2);
    }
  });
});

describe('review: callback signals stay bounded (rule 4)', () => {
  let maxOnCallSignal = 0;
  beforeEach(() => (maxOnCallSignal = 0));
  const leaky = (signal: AbortSignal): void => {
    maxOnCallSignal = Math.max(maxOnCallSignal, abortListeners(signal));
    signal.addEventListener('abort', () => undefined);
  };

  it.each([
    ['map', () => map(async (n: number, { signal }: { signal: AbortSignal }) => (leaky(signal), n))],
    [
      'parallelMap',
      () => parallelMap(async (n: number, { signal }) => (leaky(signal), n), { concurrency: 16 }),
    ],
    [
      'parallelMap timeout',
      () =>
        parallelMap(async (n: number, { signal }) => (leaky(signal), n), {
          concurrency: 16,
          timeout: 60_000,
        }),
    ],
    [
      'supervise(map)',
      () =>
        supervise(() => map(async (n: number, { signal }: { signal: AbortSignal }) => (leaky(signal), n))),
    ],
  ])('%s: callbacks that leave listeners pile none on a long-lived signal, no warning', async (_, stage) => {
    const warnings = captureWarnings();
    const controller = new AbortController();
    let maxOnUser = 0;
    const signals = new Set<AbortSignal>();
    const spy = map((n: number, { signal }: { signal: AbortSignal }) => {
      signals.add(signal);
      maxOnUser = Math.max(maxOnUser, abortListeners(controller.signal));
      return n;
    });
    const out = await collect(
      pipe(from(Array.from({ length: 2000 }, (_, i) => i)), stage(), spy, { signal: controller.signal }),
    );
    expect(out).toHaveLength(2000);
    expect(maxOnUser).toBeLessThanOrEqual(1);
    // Calls running at once may share a signal (16 at most here); leftovers never pile up beyond.
    expect(maxOnCallSignal).toBeLessThanOrEqual(16);
    expect(abortListeners(controller.signal)).toBe(0);
    expect(await warnings.stop()).toEqual([]);
  });

  it('Group: tasks that leave listeners pile none up; the parent keeps one listener', async () => {
    const warnings = captureWarnings();
    const parent = new AbortController();
    const group = new Group({ signal: parent.signal, limit: 8 });
    const seen = new Set<AbortSignal>();
    let maxListeners = 0;
    for (let i = 0; i < 500; i++) {
      await group.go(async (signal) => {
        seen.add(signal);
        maxListeners = Math.max(maxListeners, abortListeners(signal));
        leaky(signal);
        await ticks(i % 3);
      });
    }
    await group.wait();
    expect(maxListeners).toBeLessThan(10);
    expect(maxOnCallSignal).toBeLessThan(10);
    expect(abortListeners(parent.signal)).toBe(0);
    expect(await warnings.stop()).toEqual([]);
  });

  it('parallelMap: a sibling error aborts every in-flight call signal; break aborts them too', async () => {
    const boom = new Error('sibling');
    const aborted: unknown[] = [];
    const started = deferred<void>();
    let count = 0;
    const pipeline = pipe(
      from([0, 1, 2, 3]),
      parallelMap(
        async (n: number, { signal }) => {
          if (++count === 4) started.resolve();
          if (n === 3) {
            await started.promise;
            throw boom;
          }
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => (aborted.push(signal.reason), resolve()), { once: true }),
          );
          return n;
        },
        { concurrency: 4 },
      ),
    );
    await expect(withinTurns(collect(pipeline), 50)).rejects.toBe(boom);
    expect(aborted).toEqual([boom, boom, boom]);
  });
});

describe('review: channel → select → Group', () => {
  it('a failing worker cancels the others; wait() rejects with its error after all settle', async () => {
    const jobs = new Channel<number>();
    const results = new Channel<number>(100);
    const boom = new Error('worker failed');
    const parent = new AbortController();
    const group = new Group({ signal: parent.signal });
    const settledTasks: string[] = [];
    await group.go(async (signal) => {
      try {
        for (let i = 0; i < 1000; i++) await jobs.send(i, { signal });
        jobs.close();
      } finally {
        settledTasks.push('producer');
      }
    });
    for (let w = 0; w < 3; w++) {
      await group.go(async (signal) => {
        try {
          for (;;) {
            const got = await select({ job: jobs.receiving() }, { signal });
            if (!got.ok) return;
            if (got.value === 500) throw boom;
            await results.send(got.value as number, { signal }).catch((e) => {
              throw e;
            });
            if (results.length > 50) while (results.tryReceive()?.ok);
          }
        } finally {
          settledTasks.push(`worker ${w}`);
        }
      });
    }
    await expect(withinTurns(group.wait(), 500)).rejects.toBe(boom);
    expect(settledTasks.sort()).toEqual(['producer', 'worker 0', 'worker 1', 'worker 2']);
    expect(group.signal.aborted).toBe(true);
    expect(group.signal.reason).toBe(boom);
    expect(abortListeners(parent.signal)).toBe(0);
  });
});

describe('review: random interleavings of next()/return() (rule 6)', () => {
  type Build = (source: AsyncIterable<number>) => AsyncIterable<unknown>;
  const norm = (v: unknown): number[] =>
    Array.isArray(v)
      ? (v as number[])
      : typeof v === 'object' && v !== null
        ? [(v as { value: number }).value]
        : [v as number];
  const engines: [string, Build][] = [
    [
      'map',
      (s) =>
        pipe(
          s,
          map((n: number) => n),
        ),
    ],
    [
      'async map',
      (s) =>
        pipe(
          s,
          map(async (n: number) => (await ticks(n % 3), n)),
        ),
    ],
    [
      'parallelMap',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => (await ticks(n % 4), n), { concurrency: 3 }),
        ),
    ],
    ['buffer', (s) => pipe(s, buffer(2))],
    ['batch', (s) => pipe(s, batch(2))],
    ['heartbeat', (s) => pipe(s, heartbeat(100_000))],
    ['merge', (s) => merge(s)],
    ['flatten', (s) => pipe(from([s]), flatten())],
    [
      'supervise',
      (s) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
        ),
    ],
    ['tee', (s) => tee(s, 1)[0]],
    ['split', (s) => split(s, 1)[0]],
    [
      'channel',
      (s) => {
        const ch = new Channel<number>(2);
        void (async () => {
          try {
            for await (const v of s) await ch.send(v);
          } finally {
            ch.close();
          }
        })();
        return pipe(
          ch,
          map((n: number) => n),
        );
      },
    ],
  ];

  it.each(engines)('%s: answered in order, done after return(), nothing hangs', async (name, build) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.constant('n'), fc.constant('n'), fc.constant('r'), fc.integer({ min: 0, max: 4 })),
          {
            maxLength: 14,
          },
        ),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
        async (ops, jitter) => {
          const values = [0, 1, 2, 3, 4, 5];
          const source = spySource(values, { jitter: (i) => jitter[i % 8] });
          const it = build(source)[Symbol.asyncIterator]();
          const nexts: { promise: Promise<IteratorResult<unknown>>; afterReturn: boolean }[] = [];
          const returns: Promise<unknown>[] = [];
          let returned = false;
          for (const op of ops) {
            if (op === 'n') nexts.push({ promise: it.next(), afterReturn: returned });
            else if (op === 'r') {
              returns.push(it.return!());
              returned = true;
            } else await ticks(op as number);
          }
          returns.push(it.return!());
          const results = await withinTurns(Promise.all(nexts.map((n) => n.promise)), 100, `${name} nexts`);
          await withinTurns(Promise.all(returns), 100, `${name} returns`);
          const seen: number[] = [];
          let ended = false;
          results.forEach((result, i) => {
            if (result.done) ended = true;
            else {
              expect(ended).toBe(false); // no value after done
              expect(nexts[i].afterReturn).toBe(false); // no value after return()
              seen.push(...norm(result.value));
            }
          });
          expect(seen).toEqual(values.slice(0, seen.length));
          if (source.log.opened && name !== 'channel')
            expect(source.log.finalized || source.log.returned).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('review: break awaits an idle source, errors keep their order', () => {
  type Build = (source: AsyncIterable<number>) => AsyncIterable<unknown>;
  const engines: [string, Build][] = [
    [
      'map',
      (s) =>
        pipe(
          s,
          map((n: number) => n),
        ),
    ],
    [
      'parallelMap',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 3 }),
        ),
    ],
    ['buffer', (s) => pipe(s, buffer(3))],
    ['batch', (s) => pipe(s, batch(2))],
    ['heartbeat', (s) => pipe(s, heartbeat(10_000))],
    ['merge', (s) => merge(s)],
    ['flatten', (s) => pipe(from([s]), flatten())],
    ['mergeAll', (s) => pipe(from([s]), mergeAll({ concurrency: 2 }))],
    [
      'supervise',
      (s) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
        ),
    ],
    ['tee', (s) => tee(s, 1)[0]],
    ['split', (s) => split(s, 1)[0]],
    [
      'parallelMap → batch → flatten',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 4 }),
          batch(2),
          flatten(),
        ),
    ],
  ];

  it.each(engines)('%s: the source finally has run when a break leaves the loop', async (name, build) => {
    const source = spySource([1, 2, 3, 4, 5, 6, 7, 8]);
    const iterable = build(source);
    for await (const _ of iterable) break;
    expect(source.log.returned).toBe(true);
    expect(source.log.finalized).toBe(true);
  });

  it.each(engines)(
    '%s: a source error wins over the error its own return() or a sibling return() throws',
    async (name, build) => {
      const first = new Error('next failed');
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]() {
          let i = 0;
          return {
            next: async () => {
              if (i === 2) throw first;
              return { done: false, value: i++ };
            },
            return: async () => {
              throw new Error('return failed');
            },
          };
        },
      };
      const result = await withinTurns(settleAll(build(source)), 100, name);
      expect(result.error).toBe(first);
    },
  );
});

describe('review: merge opens, fails and returns', () => {
  it('a source whose [Symbol.asyncIterator] throws: the sources opened before it are returned, the error reaches the reader', async () => {
    const a = spySource([1, 2, 3]);
    const bad = new Error('cannot open');
    const b: AsyncIterable<number> = {
      [Symbol.asyncIterator]() {
        throw bad;
      },
    };
    const c = spySource([7]);
    const result = await withinTurns(settleAll(merge(a, b, c)), 100);
    expect(result.error).toBe(bad);
    expect(a.log.returned).toBe(true);
    expect(a.log.finalized).toBe(true);
  });

  it('mergeAll: an outer item that is not a source fails with a TypeError; open inners are returned', async () => {
    const a = spySource([1, 2, 3]);
    const outer = (async function* () {
      yield a;
      await ticks(2);
      yield 42 as unknown as AsyncIterable<number>;
    })();
    const result = await withinTurns(settleAll(pipe(outer, mergeAll())), 100);
    expect(result.error).toBeInstanceOf(TypeError);
    expect(a.log.returned || a.log.finalized).toBe(true);
  });
});

describe('review: clocks (fake timers)', () => {
  afterEach(() => jest.useRealTimers());

  /** A source whose items come when the test says so. */
  function gatedSource() {
    const gates: ReturnType<typeof deferred<IteratorResult<number>>>[] = [];
    let returned = false;
    const iterable: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          const gate = deferred<IteratorResult<number>>();
          gates.push(gate);
          return gate.promise;
        },
        return: async () => {
          returned = true;
          for (const gate of gates) gate.resolve({ done: true, value: undefined });
          return { done: true, value: undefined };
        },
      }),
    };
    return { iterable, gates, returned: () => returned };
  }

  it('heartbeat: beats while waiting, the value pulled before the beats arrives next, break leaves no timer', async () => {
    jest.useFakeTimers();
    const source = gatedSource();
    const it = pipe(source.iterable, heartbeat(100))[Symbol.asyncIterator]();
    const first = it.next();
    await jest.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ done: false, value: { type: 'beat' } });
    const second = it.next();
    await jest.advanceTimersByTimeAsync(50);
    source.gates[0].resolve({ done: false, value: 7 });
    expect(await second).toEqual({ done: false, value: { type: 'value', value: 7 } });
    expect(source.gates).toHaveLength(1); // read ahead of demand: none
    const third = it.next();
    await jest.advanceTimersByTimeAsync(10);
    await it.return!();
    expect(await third).toEqual({ done: true, value: undefined });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('batch(maxWait): a flush keeps the pending pull for the next batch; break clears the clock', async () => {
    jest.useFakeTimers();
    const source = gatedSource();
    const it = pipe(source.iterable, batch(3, { maxWait: 100 }))[Symbol.asyncIterator]();
    const first = it.next();
    await jest.advanceTimersByTimeAsync(0);
    source.gates[0].resolve({ done: false, value: 1 });
    await jest.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ done: false, value: [1] });
    const second = it.next();
    await jest.advanceTimersByTimeAsync(0);
    expect(source.gates).toHaveLength(2);
    source.gates[1].resolve({ done: false, value: 2 });
    await jest.advanceTimersByTimeAsync(10);
    await it.return!();
    expect(await second).toEqual({ done: true, value: undefined });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('parallelMap timeout: the stage fails with the TimeoutError; siblings are aborted with it; no timer outlives it', async () => {
    jest.useFakeTimers();
    const reasons: unknown[] = [];
    const honour = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => (reasons.push(signal.reason), reject(signal.reason)), {
          once: true,
        }),
      );
    const pipeline = pipe(
      from([0, 1, 2]),
      parallelMap(
        async (n: number, { signal }) => {
          if (n === 0) return honour(signal);
          await Promise.race([honour(signal), new Promise((r) => setTimeout(r, 500))]);
          return n;
        },
        { concurrency: 3, timeout: 100 },
      ),
    );
    const result = settleAll(pipeline);
    await jest.advanceTimersByTimeAsync(100);
    const { error } = await result;
    expect((error as Error).name).toBe('TimeoutError');
    expect(reasons).toHaveLength(3);
    for (const reason of reasons) expect(reason).toBe(error);
    await jest.advanceTimersByTimeAsync(1000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('supervise(timeout): a stalled child is restarted and its item retried; nothing is lost', async () => {
    jest.useFakeTimers();
    let attempts = 0;
    const stage = () =>
      map(async (n: number, { signal }: { signal: AbortSignal }) => {
        if (n === 2 && attempts++ === 0)
          await new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
        return n;
      });
    const out = collect(pipe(from([0, 1, 2, 3]), supervise(stage, { timeout: 100 })));
    await jest.advanceTimersByTimeAsync(150);
    expect(await out).toEqual([0, 1, 2, 3]);
  });
});

describe('review: soak', () => {
  it('200k items: parallelMap → batch → flatten → tee → merge, ledger flat, order kept per branch', async () => {
    const { range } = await import('../../lib/index.js');
    const N = 200_000;
    const [a, b] = tee(
      pipe(
        range(0, N),
        parallelMap(async (n: number) => n, { concurrency: 8 }),
        batch(100),
        flatten(),
      ),
      2,
      { capacity: 64 },
    );
    const gc = runInThisContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
    const heap = (): number => (gc?.(), process.memoryUsage().heapUsed);
    const heapAt: number[] = [];
    const tag = (k: number) => map((n: number) => ({ k, n }));
    const last = [-1, -1];
    let count = 0;
    let maxLive = 0;
    let outOfOrder = 0;
    for await (const { k, n } of merge(pipe(a, tag(0)), pipe(b, tag(1)))) {
      if (n !== last[k] + 1) outOfOrder++;
      last[k] = n;
      if (++count % 5000 === 0) maxLive = Math.max(maxLive, scope().leaks().length);
      if (count === 80_000) heapAt.push(heap());
    }
    heapAt.push(heap());
    // Run with `node --expose-gc` to measure: memory stays flat across the run.
    if (gc) expect(heapAt[1] - heapAt[0]).toBeLessThan(16 * 1024 * 1024);
    expect(count).toBe(2 * N);
    expect(outOfOrder).toBe(0);
    expect(maxLive).toBeLessThan(40);
  }, 60_000);

  it('200k items through a channel and split workers under a Group', async () => {
    const N = 200_000;
    const ch = new Channel<number>(16);
    const group = new Group();
    let received = 0;
    await group.go(async (signal) => {
      for (let i = 0; i < N; i++) await ch.send(i, { signal });
      ch.close();
    });
    const outputs = split(ch, 4, { capacity: 4 });
    for (const out of outputs)
      await group.go(async () => {
        for await (const _ of pipe(
          out,
          map((n: number) => n),
        ))
          received++;
      });
    await group.wait();
    expect(received).toBe(N);
  }, 60_000);
});

describe('review: hostile sync iterables', () => {
  it('a value whose `then` getter throws fails the pipeline with that error, and the pipeline ends (rule 8)', async () => {
    const boom = new Error('then getter');
    const hostile = {
      get then() {
        throw boom;
      },
    };
    const it = pipe(
      [1, hostile, 3],
      map((x: unknown) => x),
    )[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: 1 });
    let second: Promise<unknown> | undefined;
    // next() returns a promise, as every async iterator must: it does not throw.
    expect(() => (second = it.next())).not.toThrow();
    await expect(withinTurns(second!, 50)).rejects.toBe(boom);
    // The pipeline has ended (the leak check after the test sees no stage left).
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('for await over from(iterable) directly: a throwing `then` getter rejects next(), not throws', async () => {
    const boom = new Error('then getter');
    const it = from([
      {
        get then() {
          throw boom;
        },
      },
    ])[Symbol.asyncIterator]();
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = it.next())).not.toThrow();
    await expect(promise).rejects.toBe(boom);
  });
});

describe('review: bounded read-ahead (rule 4)', () => {
  const cases: [string, (s: AsyncIterable<number>) => AsyncIterable<unknown>, number][] = [
    [
      'map',
      (s) =>
        pipe(
          s,
          map((n: number) => n),
        ),
      1,
    ],
    [
      'async map',
      (s) =>
        pipe(
          s,
          map(async (n: number) => n),
        ),
      1,
    ],
    [
      'parallelMap(4)',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 4 }),
        ),
      4,
    ],
    ['buffer(3)', (s) => pipe(s, buffer(3)), 3],
    ['batch(2)', (s) => pipe(s, batch(2)), 3],
    ['heartbeat', (s) => pipe(s, heartbeat(100_000)), 1],
    ['merge', (s) => merge(s), 1],
    ['flatten', (s) => pipe(from([s]), flatten()), 1],
    ['tee(capacity 2)', (s) => tee(s, 1, { capacity: 2 })[0], 2],
    ['split', (s) => split(s, 1)[0], 1],
    [
      'supervise(map)',
      (s) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
        ),
      1,
    ],
    [
      'map → buffer(2) → map',
      (s) =>
        pipe(
          s,
          map((n: number) => n),
          buffer(2),
          map((n: number) => n),
        ),
      3,
    ],
  ];
  it.each(cases)('%s reads at most its bound ahead of what was consumed', async (_, build, bound) => {
    const source = spySource(Array.from({ length: 50 }, (_, i) => i));
    const it = build(source)[Symbol.asyncIterator]();
    let consumed = 0;
    for (let i = 0; i < 3; i++) {
      const r = await withinTurns(it.next(), 50);
      consumed += Array.isArray(r.value) ? r.value.length : 1;
      await turns(3);
      expect(source.log.pulls).toBeLessThanOrEqual(consumed + bound);
    }
    await it.return!();
  });
});

describe('review: a real abort never waits on a source return()', () => {
  type Build = (source: AsyncIterable<number>) => AsyncIterable<unknown>;
  const engines: [string, Build][] = [
    [
      'map',
      (s) =>
        pipe(
          s,
          map((n: number) => n),
        ),
    ],
    [
      'parallelMap',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 2 }),
        ),
    ],
    ['buffer', (s) => pipe(s, buffer(2))],
    ['batch', (s) => pipe(s, batch(1))],
    ['heartbeat', (s) => pipe(s, heartbeat(100_000))],
    ['merge', (s) => merge(s)],
    ['flatten', (s) => pipe(from([s]), flatten())],
    [
      'supervise',
      (s) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
        ),
    ],
    ['tee', (s) => tee(s, 1)[0]],
    ['split', (s) => split(s, 1)[0]],
    [
      'merge(pipe(map))',
      (s) =>
        merge(
          pipe(
            s,
            map((n: number) => n),
          ),
        ),
    ],
    ['mergeAll(pipe(buffer))', (s) => pipe(from([pipe(s, buffer(2))]), mergeAll())],
    [
      'supervise(buffer)',
      (s) =>
        pipe(
          s,
          supervise(() => buffer(2)),
        ),
    ],
    [
      'parallelMap → batch → flatten',
      (s) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 4 }),
          batch(2),
          flatten(),
        ),
    ],
  ];
  it.each(engines)(
    '%s: abort with the source idle and its return() hanging rejects at once',
    async (_, build) => {
      const gate = deferred<void>();
      let i = 0;
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false, value: i++ }),
          return: async () => {
            await gate.promise;
            return { done: true, value: undefined };
          },
        }),
      };
      const controller = new AbortController();
      const reason = new Error('abort');
      const it = pipe(
        build(source),
        map(async (v: unknown, { signal }: { signal: AbortSignal }) => {
          await new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
          return v;
        }),
        { signal: controller.signal },
      )[Symbol.asyncIterator]();
      const pending = it.next().then(
        () => 'resolved',
        (e: unknown) => e,
      );
      try {
        await turns(2);
        controller.abort(reason);
        let settled = false;
        void pending.then(() => (settled = true));
        await ticks(100);
        expect(settled).toBe(true);
        expect(await pending).toBe(reason);
      } finally {
        gate.resolve();
        await turns(2);
      }
    },
  );
});

describe('review: channel iterator abort during a deferred hand-over', () => {
  it('no value is lost: what the iterator did not deliver stays in the channel (CSP: an aborted receive takes nothing)', async () => {
    const ch = new Channel<number>(2000);
    const total = 1000;
    for (let i = 0; i < total; i++) ch.trySend(i);
    const controller = new AbortController();
    const it = ch[Symbol.asyncIterator](controller.signal);
    const got: number[] = [];
    for (let i = 0; i < total; i++) {
      const pending = it.next();
      let settled = false;
      void pending.then(
        () => (settled = true),
        () => (settled = true),
      );
      await ticks(8);
      if (settled) {
        got.push((await pending).value as number);
        continue;
      }
      controller.abort(new Error('abort'));
      await pending.then(
        (r) => !r.done && got.push(r.value),
        () => undefined,
      );
      await turns(3);
      const left: number[] = [];
      for (let r = ch.tryReceive(); r?.ok; r = ch.tryReceive()) left.push(r.value as number);
      expect(got.length + left.length).toBe(total);
      return;
    }
    throw new Error('never saw a deferred channel hand-over');
  });
});

describe('review: random compositions with jitter', () => {
  type Stage = (s: AsyncIterable<number>) => AsyncIterable<number>;
  const menu: Stage[] = [
    (s) =>
      pipe(
        s,
        map((n: number) => n),
      ),
    (s) =>
      pipe(
        s,
        map(async (n: number) => (await ticks(n % 3), n)),
      ),
    (s) =>
      pipe(
        s,
        parallelMap(async (n: number) => (await ticks((n * 7) % 5), n), { concurrency: 3 }),
      ),
    (s) => pipe(s, buffer(2)),
    (s) => pipe(s, batch(3), flatten()),
    (s) => merge(s),
    (s) => tee(s, 1)[0],
    (s) => split(s, 1)[0],
    (s) =>
      pipe(
        s,
        supervise(() => map((n: number) => n)),
      ),
    (s) =>
      pipe(
        s,
        heartbeat(100_000),
        map((b: { type: string; value?: number }) => b.value as number),
      ),
  ];
  it('any chain keeps order, breaks cleanly, and finalizes its source', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: menu.length - 1 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        async (chain, jitter, breakAt, fail) => {
          const values = Array.from({ length: 10 }, (_, i) => i);
          const boom = new Error('source failed');
          const source = spySource(values, {
            jitter: (i) => jitter[i % 8],
            failAt: fail ? 7 : undefined,
            error: boom,
          });
          let out: AsyncIterable<number> = source;
          for (const k of chain) out = menu[k](out);
          const seen: number[] = [];
          let error: unknown;
          await withinTurns(
            (async () => {
              try {
                for await (const v of out) {
                  if (seen.length === breakAt) break;
                  seen.push(v);
                }
              } catch (e) {
                error = e;
              }
            })(),
            200,
            `chain ${chain.join(',')}`,
          );
          expect(seen).toEqual(values.slice(0, seen.length));
          if (error !== undefined) expect(error).toBe(boom);
          if (fail && seen.length < Math.min(breakAt, 7)) expect(error).toBe(boom);
          expect(source.log.finalized).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('review: a callback that drives its own pipeline', () => {
  type Wrap = (
    s: AsyncIterable<number>,
    fn: (n: number) => number | Promise<number>,
  ) => AsyncIterable<number>;
  const wraps: [string, Wrap][] = [
    ['map', (s, fn) => pipe(s, map(fn))],
    [
      'async map',
      (s, fn) =>
        pipe(
          s,
          map(async (n: number) => fn(n)),
        ),
    ],
    ['parallelMap', (s, fn) => pipe(s, parallelMap(fn, { concurrency: 3 }))],
    ['buffer → map', (s, fn) => pipe(s, buffer(2), map(fn))],
    ['merge → map', (s, fn) => pipe(merge(s), map(fn))],
    ['map → batch → flatten', (s, fn) => pipe(s, map(fn), batch(2), flatten())],
  ];

  it.each(wraps)('%s: return() called synchronously from inside the callback', async (_, wrap) => {
    const source = spySource([0, 1, 2, 3, 4, 5]);
    let returning: Promise<unknown> | undefined;
    const it: AsyncIterator<number> = wrap(source, (n) => {
      if (n === 2) returning = it.return!();
      return n;
    })[Symbol.asyncIterator]();
    const seen: IteratorResult<number>[] = [];
    for (let i = 0; i < 5; i++) seen.push(await withinTurns(it.next(), 50));
    await withinTurns(returning!, 50);
    const values = seen.filter((r) => !r.done).map((r) => r.value);
    expect(values).toEqual([0, 1, 2, 3, 4].slice(0, values.length));
    expect(values.length).toBeLessThanOrEqual(3);
    expect(seen.slice(values.length).every((r) => r.done)).toBe(true);
    expect(source.log.finalized).toBe(true);
  });

  it.each(wraps)(
    '%s: next() called synchronously from inside the callback is queued in order',
    async (_, wrap) => {
      const source = spySource([0, 1, 2, 3, 4, 5]);
      const inner: Promise<IteratorResult<number>>[] = [];
      const it: AsyncIterator<number> = wrap(source, (n) => {
        if (n === 1) inner.push(it.next());
        return n;
      })[Symbol.asyncIterator]();
      const outer: IteratorResult<number>[] = [];
      for (let i = 0; i < 4; i++) outer.push(await withinTurns(it.next(), 50));
      const all = [...outer, ...(await withinTurns(Promise.all(inner), 50))];
      const values = all
        .filter((r) => !r.done)
        .map((r) => r.value)
        .sort();
      expect(values).toEqual([0, 1, 2, 3, 4]);
      await it.return!();
    },
  );
});

describe('review: fairness of merge and select', () => {
  it('merge: an always-ready source cannot starve one that waits on the event loop (rule 5)', async () => {
    const slow: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise((resolve) => setImmediate(() => resolve({ done: false, value: 'slow' }))),
        return: async () => ({ done: true, value: undefined }),
      }),
    };
    let fast = 0;
    let sawSlow = false;
    for await (const v of merge(repeat('fast'), slow)) {
      if (v === 'slow') {
        sawSlow = true;
        break;
      }
      if (++fast > 100_000) break;
    }
    expect(sawSlow).toBe(true);
  });

  it('select: two always-ready cases are both chosen (rule 5)', async () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 400; i++) {
      if (a.length === 0) a.trySend(i);
      if (b.length === 0) b.trySend(i);
      const got = await select({ a: a.receiving(), b: b.receiving() });
      counts[got.case as 'a' | 'b']++;
    }
    expect(counts.a).toBeGreaterThan(100);
    expect(counts.b).toBeGreaterThan(100);
  });
});

describe('review: an already-aborted signal', () => {
  const builds: [string, (s: AsyncIterable<number>, signal: AbortSignal) => AsyncIterable<unknown>][] = [
    [
      'pipe(map)',
      (s, signal) =>
        pipe(
          s,
          map((n: number) => n),
          { signal },
        ),
    ],
    [
      'parallelMap',
      (s, signal) =>
        pipe(
          s,
          parallelMap(async (n: number) => n),
          { signal },
        ),
    ],
    ['buffer', (s, signal) => pipe(s, buffer(2), { signal })],
    ['merge', (s, signal) => pipe(merge(s), { signal })],
    ['tee', (s, signal) => tee(s, 1, { signal })[0]],
    ['split', (s, signal) => split(s, 2, { signal })[0]],
    [
      'supervise',
      (s, signal) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
          { signal },
        ),
    ],
  ];
  it.each(builds)('%s: rejects the first next() with the reason, source untouched', async (_, build) => {
    const source = spySource([1, 2]);
    const reason = new Error('already');
    const controller = new AbortController();
    controller.abort(reason);
    const it = build(source, controller.signal)[Symbol.asyncIterator]();
    await expect(withinTurns(it.next(), 20)).rejects.toBe(reason);
    expect(source.log.opened).toBe(false);
    await it.return?.();
  });
});

describe('review: Group task signals abort with group.signal', () => {
  it('a finished task that left work listening on its signal sees it abort once wait() settles (errgroup ctx)', async () => {
    const group = new Group();
    const signals: AbortSignal[] = [];
    let cancelled = 0;
    for (let i = 0; i < 3; i++) {
      await group.go(async (signal) => {
        signals.push(signal);
        // Background work started by the task, listening on its signal (a fetch, a timer…).
        signal.addEventListener('abort', () => cancelled++, { once: true });
      });
    }
    await group.wait();
    expect(group.signal.aborted).toBe(true);
    expect(signals.map((s) => s.aborted)).toEqual([true, true, true]);
    expect(cancelled).toBe(3);
  });

  it('a task signal aborts with the first error even when its task has already finished', async () => {
    const group = new Group();
    const boom = new Error('boom');
    let early: AbortSignal | undefined;
    await group.go(async (signal) => {
      early = signal;
      signal.addEventListener('abort', () => undefined);
    });
    await ticks(3);
    await group.go(async () => {
      throw boom;
    });
    await expect(group.wait()).rejects.toBe(boom);
    expect(early!.aborted).toBe(true);
  });
});

describe('review: supervise mid-backoff', () => {
  afterEach(() => jest.useRealTimers());
  it.each([['break'], ['abort']])(
    '%s during the backoff ends at once, no timer left, source returned',
    async (how) => {
      jest.useFakeTimers();
      const source = spySource([1, 2, 3]);
      const controller = new AbortController();
      const reason = new Error('abort');
      const it = pipe(
        source,
        supervise(
          () =>
            map((n: number) => {
              if (n === 1) throw new Error('flaky');
              return n;
            }),
          { backoff: 1000, maxRestarts: 5 },
        ),
        { signal: controller.signal },
      )[Symbol.asyncIterator]();
      const pending = it.next().then(
        (r) => r,
        (e: unknown) => e,
      );
      await jest.advanceTimersByTimeAsync(10); // the child failed; supervise waits its backoff
      expect(jest.getTimerCount()).toBe(1);
      if (how === 'abort') controller.abort(reason);
      else await withinTurns(it.return!(), 20);
      const result = await withinTurns(pending, 20);
      expect(result).toEqual(how === 'abort' ? reason : { done: true, value: undefined });
      expect(jest.getTimerCount()).toBe(0);
      await turns(2);
      expect(source.log.returned).toBe(true);
    },
  );
});

describe('review: the delivery rule with overlapping readers', () => {
  const boom = new Error('source failed');
  it.each([
    [
      'map',
      (s: AsyncIterable<number>) =>
        pipe(
          s,
          map((n: number) => n),
        ),
    ],
    [
      'parallelMap',
      (s: AsyncIterable<number>) =>
        pipe(
          s,
          parallelMap(async (n: number) => n, { concurrency: 2 }),
        ),
    ],
    ['buffer', (s: AsyncIterable<number>) => pipe(s, buffer(2))],
    ['merge', (s: AsyncIterable<number>) => merge(s)],
    ['tee', (s: AsyncIterable<number>) => tee(s, 1)[0]],
    [
      'supervise',
      (s: AsyncIterable<number>) =>
        pipe(
          s,
          supervise(() => map((n: number) => n)),
        ),
    ],
  ])('%s: an error goes to the first waiter, the others get done, then done forever', async (_, build) => {
    const it = build(spySource([], { failAt: 0, error: boom }))[Symbol.asyncIterator]();
    const results = await withinTurns(
      Promise.all(
        [0, 1, 2].map(() =>
          it.next().then(
            (r) => r,
            (e: unknown) => e,
          ),
        ),
      ),
      50,
    );
    expect(results).toEqual([boom, { done: true, value: undefined }, { done: true, value: undefined }]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });
});

describe('review: compositions on break', () => {
  type Build = (
    s: AsyncIterable<number>,
    fn: (n: number, ctx: { signal: AbortSignal }) => Promise<number>,
  ) => AsyncIterable<number>;
  const builds: [string, Build][] = [
    [
      'parallelMap → buffer → map',
      (s, fn) =>
        pipe(
          s,
          parallelMap(fn, { concurrency: 4 }),
          buffer(2),
          map((n: number) => n),
        ),
    ],
    [
      'parallelMap → batch → flatten',
      (s, fn) => pipe(s, parallelMap(fn, { concurrency: 4 }), batch(1), flatten()),
    ],
    [
      'tee → merge',
      (s, fn) => {
        const [a, b] = tee(pipe(s, parallelMap(fn, { concurrency: 2 })), 2, { capacity: 2 });
        return merge(a, b);
      },
    ],
    [
      'merge(pipe(parallelMap)) → heartbeat',
      (s, fn) =>
        pipe(
          merge(pipe(s, parallelMap(fn, { concurrency: 3 }))),
          heartbeat(100_000),
          map((b) => (b.type === 'value' ? b.value : -1)),
        ),
    ],
    [
      'supervise(parallelMap)',
      (s, fn) =>
        pipe(
          s,
          supervise(() => parallelMap(fn, { concurrency: 3 })),
        ),
    ],
  ];

  it.each(builds)(
    '%s: every started callback has settled with its signal aborted when the loop exits',
    async (_, build) => {
      const inFlight = new Set<number>();
      const abortedUnused: number[] = [];
      let started = 0;
      const fn = async (n: number, { signal }: { signal: AbortSignal }) => {
        started++;
        if (n === 0) {
          await ticks(30); // the others start meanwhile
          return n;
        }
        inFlight.add(n);
        try {
          await new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
        } finally {
          abortedUnused.push(n);
          inFlight.delete(n);
        }
        return n;
      };
      const source = spySource([0, 1, 2, 3, 4, 5, 6, 7]);
      await withinTurns(
        (async () => {
          for await (const _ of build(source, fn)) break;
        })(),
        50,
      );
      expect(started).toBeGreaterThan(1);
      expect([...inFlight]).toEqual([]);
      expect(abortedUnused.length).toBe(started - 1);
      expect(source.log.returned).toBe(true);
    },
  );

  it.each(builds)(
    '%s: an error thrown by the source return() reaches the consumer on break',
    async (_, build) => {
      const boom = new Error('return() threw');
      let i = 0;
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false, value: i++ }),
          return: async () => {
            throw boom;
          },
        }),
      };
      const error = await withinTurns(
        (async () => {
          try {
            for await (const _ of build(source, async (n) => n)) break;
          } catch (e) {
            return e;
          }
          return 'no error';
        })(),
        50,
      );
      expect(error).toBe(boom);
    },
  );
});

describe('review: an upstream that ends first must still report its return() error', () => {
  it.each([
    [
      'parallelMap with in-flight calls',
      (s: AsyncIterable<number>) =>
        pipe(
          s,
          parallelMap(
            async (n: number, { signal }) => {
              if (n === 0) return n;
              await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
              await ticks(20); // it honours its signal, and takes a few microtasks to clean up
              throw signal.reason;
            },
            { concurrency: 3 },
          ),
        ),
    ],
    [
      'map with an in-flight callback → buffer',
      (s: AsyncIterable<number>) =>
        pipe(
          s,
          buffer(2),
          map(async (n: number, { signal }: { signal: AbortSignal }) => {
            if (n === 0) return n;
            await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
            await ticks(20); // it honours its signal, and takes a few microtasks to clean up
            throw signal.reason;
          }),
        ),
    ],
  ])('%s: break, and the source return() error reaches the consumer', async (_, build) => {
    const boom = new Error('return() threw');
    let i = 0;
    const never = deferred<IteratorResult<number>>();
    // Ready for three items, then slow: the stage is caught with a pull in flight.
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (i < 3 ? { done: false, value: i++ } : never.promise),
        return: async () => {
          never.resolve({ done: true, value: undefined });
          throw boom;
        },
      }),
    };
    const it = build(source)[Symbol.asyncIterator]();
    expect(await withinTurns(it.next(), 20)).toEqual({ done: false, value: 0 });
    const pending = it.next();
    await turns(1);
    const error = await withinTurns(
      it.return!().then(
        () => 'no error',
        (e: unknown) => e,
      ),
      20,
    );
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(error).toBe(boom);
  });
});
