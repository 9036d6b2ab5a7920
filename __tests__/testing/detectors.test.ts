import {
  after,
  Channel,
  collect,
  drain,
  filter,
  map,
  parallelMap,
  pipe,
  range,
  select,
  tee,
} from '../../lib/index.js';
import { deferred } from '../helpers.js';
import {
  DeadlockError,
  LeakError,
  LeakScope,
  settle,
  useLeakCheck,
  useTestClock,
} from '../../lib/testing/index.js';

useLeakCheck();

const here = '__tests__/testing/detectors.test.ts';
/** The line of the caller, to match the site a report names. */
function lineHere(): number {
  return Number(/detectors\.test\.ts:(\d+)/.exec(new Error().stack!.split('\n')[2])![1]);
}

describe('DeadlockError from a TestClock', () => {
  it('names two pipelines each waiting on a channel the other would fill, in under a second', async () => {
    using clock = useTestClock();
    const started = performance.now();
    const a = new Channel<number>();
    const b = new Channel<number>();
    const forward = (to: Channel<number>) => map(async (n: number) => (await to.send(n), n));
    const lineOne = lineHere() + 1;
    const one = drain(pipe(a, forward(b)));
    const two = drain(pipe(b, forward(a)));
    const error = (await clock.runAll().catch((e: unknown) => e)) as DeadlockError;
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.message).toContain(
      `map at position 1: waiting-upstream (a next() on it is pending and nothing has come) (started at ${here}:${lineOne}:`,
    );
    expect(error.message).toContain(
      `map at position 1: waiting-upstream (a next() on it is pending and nothing has come) (started at ${here}:${lineOne + 1}:`,
    );
    expect(error.message).not.toMatch(/outlet|inlet|segment|engine/);
    expect(performance.now() - started).toBeLessThan(1000);
    a.close();
    b.close();
    await Promise.all([one, two]);
  });

  it('names a receive and a select nobody can complete', async () => {
    using clock = useTestClock();
    const channel = new Channel<string>();
    const controller = new AbortController();
    const received = channel.receive({ signal: controller.signal }).catch(() => undefined);
    const selected = select({ value: channel.receiving() }, { signal: controller.signal }).catch(
      () => undefined,
    );
    const error = (await clock.advance(1000).catch((e: unknown) => e)) as DeadlockError;
    expect(error).toBeInstanceOf(DeadlockError);
    expect(
      error.waiting.filter((line) => line.startsWith('a receive from a channel is waiting')),
    ).toHaveLength(2);
    controller.abort();
    await Promise.all([received, selected]);
  });

  it('passes a clean run, and does not call a pending timer a deadlock', async () => {
    using clock = useTestClock();
    const channel = new Channel<number>(1);
    const out = collect(
      pipe(
        channel,
        map((n: number) => n * 2),
      ),
    );
    await channel.send(1);
    channel.close();
    await clock.runAll();
    expect(await out).toEqual([2]);
  });
});

describe('leak reports in the user words, with the user file and line', () => {
  it('reports a tee output that was never read, at the line that called tee', async () => {
    const leaky = new LeakScope();
    const line = lineHere() + 1;
    const [read, unread] = tee(range(0, 3), 2);
    const iterator = read[Symbol.asyncIterator]();
    await iterator.next();
    const error = (await leaky.check().catch((e: unknown) => e)) as LeakError;
    expect(error).toBeInstanceOf(LeakError);
    expect(error.message).toContain(`tee output 2 of 2 was never read, started at ${here}:${line}:`);
    expect(error.message).not.toMatch(/outlet|inlet|router|engine/);
    await iterator.return!();
    await unread[Symbol.asyncIterator]().return!();
  });

  it('reports an abandoned pipeline by its stage and position, at the line that built it', async () => {
    const leaky = new LeakScope();
    const line = lineHere() + 1;
    const iterator = pipe(
      range(0, 3),
      map((n: number) => n),
    )[Symbol.asyncIterator]();
    await iterator.next();
    const error = (await leaky.check().catch((e: unknown) => e)) as LeakError;
    expect(error.leaks.map((leak) => leak.what)).toEqual([
      'map at position 1 was left open (neither read to its end nor returned)',
    ]);
    expect(error.leaks[0].site).toMatch(new RegExp(`^${here}:${line}:`));
    await iterator.return!();
  });

  it('names each stage of an abandoned pipeline by its operator and position in the pipe call', async () => {
    const leaky = new LeakScope();
    const iterator = pipe(
      range(0, 10),
      filter((n: number) => n > 0),
      parallelMap(async (n: number) => n, { concurrency: 2 }),
      map((n: number) => n),
    )[Symbol.asyncIterator]();
    await iterator.next();
    const error = (await leaky.check().catch((e: unknown) => e)) as LeakError;
    const what = error.leaks.map((leak) => leak.what);
    expect(what).toContain('filter at position 1 was left open (neither read to its end nor returned)');
    expect(what).toContain('parallelMap at position 2 was left open (neither read to its end nor returned)');
    expect(what).toContain('map at position 3 was left open (neither read to its end nor returned)');
    await iterator.return!();
  });

  it('reports a source still closing after an abort at the abort, and a pending timer where it was set', async () => {
    const leaky = new LeakScope();
    const stuck = deferred<IteratorResult<number>>();
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => stuck.promise, return: () => stuck.promise }),
    };
    const controller = new AbortController();
    const reading = collect(
      pipe(
        source,
        map((n: number) => n),
        { signal: controller.signal },
      ),
    );
    const abortLine = lineHere() + 1;
    controller.abort();
    await reading.catch(() => undefined);
    const stop = new AbortController();
    const timerLine = lineHere() + 1;
    const pending = after(50, { signal: stop.signal });
    const error = (await leaky.check().catch((e: unknown) => e)) as LeakError;
    expect(error.leaks.map((leak) => leak.what)).toEqual([
      'the source given to map at position 1 was still closing (its return() had not settled)',
      'an abort listener of after was still on its signal',
      'the after(50) timer was still pending',
    ]);
    expect(error.leaks[0].site).toMatch(new RegExp(`^${here}:${abortLine}:`));
    expect(error.leaks[2].site).toMatch(new RegExp(`^${here}:${timerLine}:`));
    stuck.resolve({ done: true, value: undefined });
    stop.abort();
    await pending.catch(() => undefined);
    await settle();
  });

  it('passes a clean run', async () => {
    const clean = new LeakScope();
    const [x, y] = tee(range(0, 3), 2);
    await Promise.all([collect(x), collect(y)]);
    await clean.check();
  });
});
