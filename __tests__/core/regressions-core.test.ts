/**
 * One regression test per failure of the contract-core issue, named after the failure it
 * prevents. Every wait that could hang is guarded by `withinTurns` (event-loop turns, not time),
 * so a regression fails fast instead of at jest's timeout.
 */
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { types } from 'node:util';
import {
  after,
  batch,
  buffer,
  collect,
  flatten,
  from,
  Group,
  heartbeat,
  interval,
  map,
  merge,
  mergeAll,
  parallelMap,
  pipe,
  range,
  rateLimit,
  retry,
  RetryError,
  select,
  split,
  supervise,
  take,
  tee,
  toReadable,
  toReadableStream,
  workerMap,
} from '../../lib/index.js';
import { settle, useLeakCheck } from '../../lib/testing/index.js';
import {
  abortListeners,
  captureWarnings,
  deferred,
  failureOf,
  settleAll,
  spySource,
  turns,
  withinTurns,
} from '../helpers.js';
import {
  badResult,
  gatedClosingSource,
  neverReturn,
  plainResults,
  rejectingReturn,
  throwingDone,
} from '../hostile.js';

const scope = useLeakCheck();

const identity = (n: number): number => n;
const kinds = (): string[] =>
  scope()
    .leaks()
    .map((leak) => leak.kind);
const fixture = (name: string): string => join(__dirname, '..', 'fixtures', name);

/** Reads `iterable` until `count` values are in, then breaks; what it read, or its error. */
async function readThenBreak<T>(
  iterable: AsyncIterable<T>,
  count: number,
): Promise<{ values: T[]; error?: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of iterable) if (values.push(value) >= count) break;
    return { values };
  } catch (error) {
    return { values, error };
  }
}

/** A callback that runs until its signal aborts, then resolves: one that honours its signal. */
const untilAborted = (value: number, { signal }: { signal: AbortSignal }): Promise<number> =>
  new Promise((resolve) => signal.addEventListener('abort', () => resolve(value), { once: true }));

describe('an error thrown by a source return() reaches the consumer when no earlier error does', () => {
  const stages: [string, (source: AsyncIterable<number>) => AsyncIterable<unknown>][] = [
    ['map', (source) => pipe(source, map(identity))],
    ['batch', (source) => pipe(source, batch(1))],
    ['buffer', (source) => pipe(source, buffer(2))],
    [
      'parallelMap',
      (source) =>
        pipe(
          source,
          parallelMap(async (n: number) => n, { concurrency: 2 }),
        ),
    ],
    ['rateLimit', (source) => pipe(source, rateLimit({ limit: 1_000_000, interval: 1_000 }))],
    ['merge', (source) => merge(source)],
    ['flatten', (source) => pipe([source], flatten())],
    ['mergeAll', (source) => pipe([source], mergeAll())],
  ];
  it.each(stages)('through %s, on break', async (_name, build) => {
    const error = new Error('return failed');
    const outcome = await withinTurns(readThenBreak(build(rejectingReturn(error)), 1));
    expect(outcome.error).toBe(error);
  });
});

describe('a source whose finally awaits is finished closing when the loop exits', () => {
  const edges: [string, (source: AsyncIterable<number>, signal?: AbortSignal) => AsyncIterable<number>][] = [
    ['merge', (source, signal) => pipe(merge(source), { signal })],
    [
      'parallelMap',
      (source, signal) =>
        pipe(
          source,
          parallelMap(async (n: number) => n, { concurrency: 3 }),
          { signal },
        ),
    ],
    ['flatten', (source, signal) => pipe([source], flatten(), { signal })],
  ];

  it.each(edges)('%s: on break', async (_name, build) => {
    const source = spySource([0, 1, 2, 3, 4, 5, 6, 7]);
    const outcome = await withinTurns(readThenBreak(build(source), 2));
    expect(outcome).toEqual({ values: [0, 1] });
    expect(source.log.returned).toBe(true);
    expect(source.log.finalized).toBe(true);
  });

  it.each(edges)('%s: at the end', async (_name, build) => {
    const source = spySource([0, 1, 2]);
    const outcome = await withinTurns(settleAll(build(source)));
    expect(outcome).toEqual({ values: [0, 1, 2] });
    expect(source.log.finalized).toBe(true);
  });

  it.each(edges)(
    '%s: while it is still closing after an abort, the leak checker reports it until the return() sluice issued settles',
    async (_name, build) => {
      const source = gatedClosingSource(8);
      const controller = new AbortController();
      const reason = new Error('stop');
      const iterator = build(source, controller.signal)[Symbol.asyncIterator]();
      await withinTurns(iterator.next());
      controller.abort(reason);
      await expect(withinTurns(iterator.next())).rejects.toBe(reason);
      await turns(3);
      expect(source.log.returned).toBe(true);
      expect(source.log.finalized).toBe(false);
      expect(kinds()).toContain('source');
      source.release();
      await settle();
      expect(source.log.finalized).toBe(true);
      expect(kinds()).not.toContain('source');
    },
  );
});

describe('next() results that are null, a primitive or have a throwing done getter', () => {
  const edges: [string, (source: AsyncIterable<number>) => AsyncIterable<unknown>][] = [
    ['pipe', (source) => pipe(source, map(identity))],
    ['merge', (source) => merge(source)],
    ['mergeAll', (source) => pipe([source], mergeAll())],
    ['flatten', (source) => pipe([source], flatten())],
    ['tee', (source) => tee(source, 1)[0]!],
    ['split', (source) => split(source, 1)[0]!],
    ['toReadableStream', (source) => toReadableStream(source) as unknown as AsyncIterable<number>],
  ];
  const results: [string, () => unknown][] = [
    ['null', () => null],
    ['5', () => 5],
    ['a throwing done getter', throwingDone],
  ];
  const cases = edges.flatMap(([edge, build]) =>
    results.map(([result, make]) => [edge, result, build, make] as const),
  );

  it.each(cases)(
    '%s: a result of %s is a TypeError, with no unhandled rejection and no hang, and is never yielded',
    async (_edge, _result, build, make) => {
      const outcome = await withinTurns(settleAll(build(badResult(make, 1))));
      expect(outcome.error).toBeInstanceOf(TypeError);
      expect(outcome.values).toEqual([0]);
    },
  );

  it('merge accepts a non-promise next() result (a plain object returned by next())', async () => {
    await expect(withinTurns(collect(merge(plainResults(3), plainResults(2))))).resolves.toHaveLength(5);
  });
});

describe('a source whose return() never settles does not hang an abort while a callback is in flight (rule 2)', () => {
  const edges: [string, (source: AsyncIterable<number>, signal: AbortSignal) => AsyncIterable<number>][] = [
    ['pipe (map with an async callback)', (source, signal) => pipe(source, map(untilAborted), { signal })],
    ['buffer', (source, signal) => pipe(source, buffer(2), map(untilAborted), { signal })],
    [
      'parallelMap',
      (source, signal) => pipe(source, parallelMap(untilAborted, { concurrency: 2 }), { signal }),
    ],
    ['tee', (source, signal) => pipe(tee(source, 1, { signal })[0]!, map(untilAborted), { signal })],
  ];
  it.each(edges)('%s', async (_name, build) => {
    const source = neverReturn();
    const controller = new AbortController();
    const reason = new Error('stop');
    const run = settleAll(build(source, controller.signal));
    await turns(2);
    controller.abort(reason);
    await expect(withinTurns(run)).resolves.toEqual({ values: [], error: reason });
    expect(source.log.returned).toBe(true);
    source.release();
  });
});

it('overlapping next() calls on a merge(...) result used directly are all answered in order, none lost', async () => {
  const iterator = merge(
    spySource([0, 1, 2], { jitter: () => 2 }),
    spySource([10, 11, 12], { jitter: () => 1 }),
  )[Symbol.asyncIterator]();
  const results = await withinTurns(Promise.all(Array.from({ length: 8 }, () => iterator.next())));
  const values = results.filter((r) => !r.done).map((r) => r.value as number);
  expect(values.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 10, 11, 12]);
  expect(values.filter((v) => v < 10)).toEqual([0, 1, 2]);
  expect(values.filter((v) => v >= 10)).toEqual([10, 11, 12]);
  // Answered in order: the values first, then the ends.
  expect(results.map((r) => r.done)).toEqual([false, false, false, false, false, false, true, true]);
});

it('workerMap nested after sluice stages does not abandon its own sluice upstream', async () => {
  const read: number[] = [];
  for await (const value of pipe(
    range(0, 100),
    map((n: number) => n),
    workerMap<number, number>(fixture('double.cjs'), { concurrency: 2 }),
  )) {
    read.push(value);
    break;
  }
  expect(read).toEqual([0]);
  expect(kinds()).not.toContain('source');
  expect(kinds()).toEqual([]);
});

describe('collect(pipe(range, parallelMap, batch)) settles', () => {
  const cases = [true, false].flatMap((ordered) =>
    [1, 4, 7, 10, 60, 100].map((size) => [ordered, size] as const),
  );
  it.each(cases)('ordered: %s, batch(%i)', async (ordered, size) => {
    const batches = await withinTurns(
      collect(
        pipe(
          range(0, 60),
          parallelMap(async (v: number) => v, { concurrency: 8, ordered }),
          batch(size),
        ),
      ),
    );
    expect(batches).toHaveLength(Math.ceil(60 / size));
    expect(batches.slice(0, -1).every((b) => b.length === size)).toBe(true);
    const flat = batches.flat();
    expect(ordered ? flat : flat.slice().sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
  });
});

describe('a sync iterable of promises yields the awaited values, as for await does', () => {
  const cases: [string, (items: Iterable<Promise<number>>) => AsyncIterable<unknown>][] = [
    ['from([p])', (items) => from(items)],
    ['pipe([p], take(1))', (items) => pipe(items, take(1))],
    [
      'pipe([p], map(x => x))',
      (items) =>
        pipe(
          items,
          map((x: Promise<number>) => x),
        ),
    ],
  ];
  it.each(cases)('%s yields the awaited value', async (_name, build) => {
    await expect(withinTurns(collect(build([Promise.resolve(7)])))).resolves.toEqual([7]);
  });
  it.each(cases)('%s fails with a rejected item', async (_name, build) => {
    const error = new Error('item failed');
    function* items(): Generator<Promise<number>> {
      yield Promise.reject(error);
      yield Promise.resolve(2);
    }
    await expect(withinTurns(collect(build(items())))).rejects.toBe(error);
  });
  it('pipe([1, p, 3], map(x => x)) keeps the order with the awaited value in place', async () => {
    const items = [Promise.resolve(1), Promise.resolve(2), Promise.resolve(3)];
    await expect(
      withinTurns(
        collect(
          pipe(
            items,
            map((x: Promise<number>) => x),
          ),
        ),
      ),
    ).resolves.toEqual([1, 2, 3]);
  });
});

describe('callbacks that each add an abort listener to their signal never raise MaxListenersExceededWarning', () => {
  it.each([11, 16, 64])(
    '%i concurrent parallelMap callbacks waiting on timers/promises setTimeout',
    async (n) => {
      const warnings = captureWarnings();
      const controller = new AbortController();
      const started = deferred<void>();
      let running = 0;
      const stage = parallelMap(
        (value: number, { signal }) => {
          if (++running === n) started.resolve();
          // Aborted before it fires: no time passes in this test.
          return sleep(5_000, value, { signal });
        },
        { concurrency: n },
      );
      const iterator = pipe(range(0, n * 2), stage, { signal: controller.signal })[Symbol.asyncIterator]();
      const pending = iterator.next();
      pending.catch(() => undefined);
      await withinTurns(started.promise);
      expect(abortListeners(controller.signal)).toBeLessThanOrEqual(1);
      await withinTurns(iterator.return!());
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
      expect(abortListeners(controller.signal)).toBe(0);
      expect((await warnings.stop()).filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    },
  );

  it.each([11, 16, 64])('%i Group tasks waiting on timers/promises setTimeout', async (n) => {
    const warnings = captureWarnings();
    const controller = new AbortController();
    const group = new Group({ signal: controller.signal });
    for (let i = 0; i < n; i++) await group.go((signal) => sleep(5_000, i, { signal }));
    expect(abortListeners(controller.signal)).toBeLessThanOrEqual(1);
    controller.abort(new Error('stop'));
    // The tasks reject with timers/promises' AbortError; what wait() rejects with is not at stake here.
    await withinTurns(group.wait().catch(() => undefined));
    expect((await warnings.stop()).filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('1,000 map calls that each leave a listener on their signal do not pile 1,000 listeners on a signal that outlives them', async () => {
    const warnings = captureWarnings();
    const controller = new AbortController();
    let most = 0;
    const out = await withinTurns(
      collect(
        pipe(
          range(0, 1_000),
          map(async (value: number, { signal }) => {
            // What earlier calls left on the signal this call is given.
            most = Math.max(most, getEventListeners(signal, 'abort').length);
            signal.addEventListener('abort', () => undefined);
            return value;
          }),
          { signal: controller.signal },
        ),
      ),
    );
    expect(out).toHaveLength(1_000);
    expect(most).toBeLessThan(10);
    expect(abortListeners(controller.signal)).toBe(0);
    expect((await warnings.stop()).filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});

describe('bad input is a clear error when built', () => {
  const TOO_LONG = 2 ** 31;

  it('range(NaN, 3) is a RangeError', () => {
    expect(() => range(NaN, 3)).toThrow(RangeError);
    expect(() => range(0, NaN)).toThrow(RangeError);
  });

  it.each([null, 5])('workerMap(file, %p) is a TypeError naming `options`', (options) => {
    expect(() => workerMap(fixture('double.cjs'), options as never)).toThrow(TypeError);
    expect(() => workerMap(fixture('double.cjs'), options as never)).toThrow('`options`');
  });

  const durations: [string, () => unknown][] = [
    ['parallelMap timeout', () => parallelMap(identity, { timeout: TOO_LONG })],
    ['batch maxWait', () => batch(2, { maxWait: TOO_LONG })],
    ['interval(ms)', () => interval(TOO_LONG)],
    ['after(ms)', () => after(TOO_LONG)],
    ['retry minDelay', () => retry(identity as never, { minDelay: TOO_LONG, maxDelay: TOO_LONG })],
    ['retry maxDelay', () => retry(identity as never, { maxDelay: TOO_LONG })],
    ['heartbeat interval', () => heartbeat(TOO_LONG)],
    ['rateLimit interval', () => rateLimit({ limit: 1, interval: TOO_LONG })],
    ['supervise timeout', () => supervise(() => map(identity), { timeout: TOO_LONG })],
    ['supervise backoff', () => supervise(() => map(identity), { backoff: TOO_LONG })],
  ];
  it.each(durations)('%s above 2^31 − 1 ms is a RangeError when built', (_name, build) => {
    expect(build).toThrow(RangeError);
  });

  it('2^31 − 1 ms itself is accepted', async () => {
    const controller = new AbortController();
    const waiting = after(2 ** 31 - 1, { signal: controller.signal });
    controller.abort();
    await waiting.catch(() => undefined);
    expect(() => parallelMap(identity, { timeout: 2 ** 31 - 1 })).not.toThrow();
    expect(() => heartbeat(2 ** 31 - 1)).not.toThrow();
  });

  it('select({}) is a TypeError: a select with no case could never proceed', async () => {
    // A synchronous throw or a rejection, but never a promise that waits forever.
    const error = await withinTurns(failureOf(() => select({}))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
  });

  it.each([
    [-1, RangeError],
    [1.5, RangeError],
    [NaN, RangeError],
    ['2', TypeError],
    [null, TypeError],
  ])('settle(%p) from sluice/testing is a %p', async (turnsGiven, kind) => {
    // Guarded: a settle that took -1 or NaN as "no turns" would resolve, not hang, but be sure.
    const error = await withinTurns(failureOf(() => settle(turnsGiven as never))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
  });
});

describe('retry', () => {
  it('rejects with signal.reason when the signal aborts during a try, even if the try then returns', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const run = retry(
      async () => {
        controller.abort(reason);
        return 'value';
      },
      { signal: controller.signal },
    );
    await expect(withinTurns(run)).rejects.toBe(reason);
  });

  it('RetryError keeps a thrown value that has no toString (Object.create(null)) as its cause', async () => {
    const thrown = Object.create(null) as object;
    const error = await failureOf(() =>
      retry(
        () => {
          throw thrown;
        },
        { retries: 0 },
      ),
    );
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).cause).toBe(thrown);
  });
});

it('select with an already-aborted signal marks its promise cases handled', async () => {
  const reason = new Error('already');
  const late = deferred<number>();
  await expect(select({ late: late.promise }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  // Rejected after select gave up on it: the setup file fails the test on an unhandled rejection.
  late.reject(new Error('late failure'));
  await settle();
});

describe('toReadable with a falsy abort reason', () => {
  it.each([0, '', false, null])(
    'abort(%p) destroys the stream with an Error whose cause is the reason',
    async (reason) => {
      const controller = new AbortController();
      const stream = toReadable(range(0, 10), { signal: controller.signal });
      controller.abort(reason);
      const error = await withinTurns(
        failureOf(async () => {
          for await (const _ of stream);
        }),
      );
      // An Error of either realm: Node's own errors are not instances of the jest sandbox's Error.
      expect(types.isNativeError(error)).toBe(true);
      expect((error as Error).cause).toBe(reason);
    },
  );
});

describe('a callback signal read after its call settled', () => {
  it('does not count as a call still running: later calls that leave listeners still get fresh signals', async () => {
    const kept: { signal: AbortSignal }[] = [];
    let most = 0;
    await collect(
      pipe(
        range(0, 200),
        map(async (value: number, context) => {
          if (value < 50)
            kept.push(context); // their signals are read later, once the calls are over
          else if (value === 50) for (const late of kept) void late.signal;
          else {
            most = Math.max(most, getEventListeners(context.signal, 'abort').length);
            context.signal.addEventListener('abort', () => undefined);
          }
          return value;
        }),
      ),
    );
    expect(most).toBeLessThan(10);
  });
});
