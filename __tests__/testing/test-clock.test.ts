import {
  after,
  batch,
  collect,
  debounce,
  heartbeat,
  interval,
  map,
  parallelMap,
  pipe,
  rateLimit,
  RateLimiter,
  retry,
  supervise,
  take,
  throttle,
  timeout,
  TimeoutError,
  withTimeout,
} from '../../lib/index.js';
import { TestClock, useLeakCheck, useTestClock } from '../../lib/testing/index.js';

useLeakCheck();

let clock: TestClock;
beforeEach(() => {
  clock = useTestClock();
});
afterEach(() => clock.uninstall());

/** Collects a pipeline while recording the virtual time of each value. */
function timed<T>(source: AsyncIterable<T>): { times: number[]; done: Promise<T[]> } {
  const times: number[] = [];
  const done = collect(
    pipe(
      source,
      map((value: T) => (times.push(clock.now), value)),
    ),
  );
  return { times, done };
}

/** A source that yields `values` at the given virtual times, then ends. */
async function* at<T>(schedule: readonly [number, T][]): AsyncGenerator<T> {
  for (const [time, value] of schedule) {
    if (time > clock.now) await after(time - clock.now);
    yield value;
  }
}

describe('TestClock', () => {
  it('fires after() exactly when due, not a millisecond before', async () => {
    let fired = false;
    const waiting = after(100).then(() => (fired = true));
    await clock.advance(99);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    await waiting;
    expect(fired).toBe(true);
    expect(clock.now).toBe(100);
    expect(clock.pending).toBe(0);
  });

  it('drives interval: ticks at 10, 20, 30', async () => {
    const { times, done } = timed(pipe(interval(10), take(3)));
    await clock.advance(30);
    expect(await done).toEqual([0, 1, 2]);
    expect(times).toEqual([10, 20, 30]);
  });

  it('runs a 10-minute retry schedule in milliseconds, each try at its exact time', async () => {
    const tries: number[] = [];
    const result = retry(
      (_signal, attempt) => {
        tries.push(clock.now);
        if (attempt < 5) throw new Error('not yet');
        return 'ok';
      },
      { retries: 5, minDelay: 60_000, factor: 2, maxDelay: 240_000, jitter: false },
    );
    await clock.runAll();
    expect(await result).toBe('ok');
    expect(tries).toEqual([0, 60_000, 180_000, 420_000, 660_000]);
  });

  it('drives rateLimit and a shared RateLimiter', async () => {
    const { times, done } = timed(pipe([1, 2, 3, 4], rateLimit({ limit: 2, interval: 1000 })));
    await clock.runAll();
    expect(await done).toEqual([1, 2, 3, 4]);
    expect(times).toEqual([0, 0, 1000, 1000]);
    const limiter = new RateLimiter({ limit: 1, interval: 250 });
    const passed: number[] = [];
    const waits = [1, 2, 3].map(() => limiter.wait().then(() => passed.push(clock.now)));
    await clock.runAll();
    await Promise.all(waits);
    expect(passed).toEqual([1000, 1250, 1500]);
  });

  it("drives batch's maxWait and heartbeat", async () => {
    const batches = timed(
      pipe(
        at([
          [0, 1],
          [10, 2],
          [500, 3],
        ]),
        batch(10, { maxWait: 50 }),
      ),
    );
    await clock.runAll();
    expect(await batches.done).toEqual([[1, 2], [3]]);
    expect(batches.times).toEqual([50, 500]);
    const start = clock.now;
    const beats = timed(pipe(at([[start + 250, 'x']]), heartbeat(100)));
    await clock.runAll();
    expect((await beats.done).map((beat) => beat.type)).toEqual(['beat', 'beat', 'value']);
    expect(beats.times.map((time) => time - start)).toEqual([100, 200, 250]);
  });

  it("drives supervise's, parallelMap's, withTimeout's and timeout's timers", async () => {
    const stalls = (): AsyncIterable<number> => at([[clock.now + 1_000_000, 1]]);
    const failedAt = async (work: Promise<unknown>): Promise<number> => {
      const caught = work.then(
        (value) =>
          Promise.reject(new Error(`expected a TimeoutError, got ${JSON.stringify(value)} at ${clock.now}`)),
        (error: unknown) => (expect(error).toBeInstanceOf(TimeoutError), clock.now),
      );
      await clock.advance(2_000_000);
      return caught;
    };
    const hang = (_: number, { signal }: { signal: AbortSignal }): Promise<never> =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    let base = clock.now;
    expect((await failedAt(collect(pipe(stalls(), timeout(70))))) - base).toBe(70);
    base = clock.now;
    expect((await failedAt(collect(pipe([1], parallelMap(hang, { timeout: 30 }))))) - base).toBe(30);
    base = clock.now;
    expect((await failedAt(collect(pipe([1], map(withTimeout(hang, 40)))))) - base).toBe(40);
    base = clock.now;
    const stalled = pipe(
      [1],
      supervise(() => map(hang), { timeout: 90, maxRestarts: 0 }),
    );
    expect((await failedAt(collect(stalled))) - base).toBe(90);
  });

  it('drives debounce and throttle', async () => {
    const quiet = timed(
      pipe(
        at([
          [0, 'a'],
          [10, 'b'],
          [20, 'c'],
          [200, 'd'],
        ]),
        debounce(30),
      ),
    );
    await clock.runAll();
    expect(await quiet.done).toEqual(['c', 'd']);
    expect(quiet.times).toEqual([50, 200]);
    const base = clock.now;
    const throttled = timed(
      pipe(
        at([
          [base, 1],
          [base + 10, 2],
          [base + 50, 3],
          [base + 150, 4],
        ]),
        throttle(100),
      ),
    );
    await clock.runAll();
    expect(await throttled.done).toEqual([1, 3, 4]);
    expect(throttled.times.map((time) => time - base)).toEqual([0, 100, 200]);
  });

  it('leaves real timers outside sluice alone', async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clock.now).toBe(0);
  });

  it('is Disposable: disposing gives back the timers it replaced', async () => {
    const controller = new AbortController();
    {
      using inner = useTestClock();
      void after(5, { signal: controller.signal }).catch(() => undefined);
      expect([inner.pending, clock.pending]).toEqual([1, 0]);
    }
    // The outer clock is back: a timer set now is its own.
    const waiting = after(1);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    await waiting;
    controller.abort(); // the timer left on the disposed clock, cleared
  });
});
