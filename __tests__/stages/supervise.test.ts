import { TimeoutError } from '../../lib/core/errors.js';
import { map } from '../../lib/stages/map.js';
import { pipe } from '../../lib/core/pipe.js';
import { supervise } from '../../lib/stages/supervise.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import type { Stage, StageContext } from '../../lib/core/types.js';
import { describeContract } from '../contract.js';
import { abortListeners, deferred, fakeDelay, settleAll, spySource } from '../helpers.js';

const scope = useLeakCheck();

describeContract(
  'supervise',
  {
    build: (fn) => supervise(() => map(fn), { maxRestarts: 2, timeout: 60_000 }),
    expected: (input) => input,
    hasCallback: true,
  },
  scope,
);

const input = [1, 2, 3, 4, 5, 6];

/** A factory whose n-th stage (0-based) maps with `behaviours[n]`, recording each stage's signal. */
function stages(...behaviours: ((value: number, signal: AbortSignal) => unknown)[]) {
  const signals: AbortSignal[] = [];
  const factory = (): Stage<number, unknown> => {
    const attempt = signals.length;
    const behave = behaviours[Math.min(attempt, behaviours.length - 1)];
    let signal: AbortSignal | undefined;
    return (source: AsyncIterable<number>, context: StageContext) => {
      signal = context.signal;
      signals.push(signal);
      return pipe(
        source,
        map((value: number) => behave(value, signal!)),
        context,
      );
    };
  };
  return { factory, signals };
}

const ok = (value: number): number => value;
const failOn = (bad: number, error: Error) => (value: number) => {
  if (value === bad) throw error;
  return value;
};
/** Hangs until the stage's signal aborts, as a stage honouring its done channel does. */
const stallOn = (bad: number) => (value: number, signal: AbortSignal) =>
  value === bad ? new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })) : value;

describe('supervise', () => {
  afterEach(() => jest.useRealTimers());

  it('restarts a failing stage on the rest of the source and retries the item in flight', async () => {
    const { factory, signals } = stages(failOn(3, new Error('flaky')), ok);
    const source = spySource(input);
    const out = await settleAll(pipe(source, supervise(factory)));
    expect(out).toEqual({ values: input });
    expect(signals).toHaveLength(2);
    expect(signals[0].aborted).toBe(true);
    // One shared source, read once per item plus the end, returned once at the end.
    expect(source.log.pulls).toBe(input.length + 1);
    expect(source.log.finalized).toBe(true);
  });

  it('keeps the source open across restarts', async () => {
    const source = spySource(input);
    const seenReturned: boolean[] = [];
    const { factory } = stages(failOn(2, new Error('once')), (value) => {
      seenReturned.push(source.log.returned);
      return value;
    });
    await settleAll(pipe(source, supervise(factory)));
    expect(seenReturned).toEqual([false, false, false, false, false]);
  });

  it('restarts a stage that stalls for `timeout` ms, aborting the stalled one', async () => {
    jest.useFakeTimers();
    const { factory, signals } = stages(stallOn(2), ok);
    const reading = settleAll(pipe(input, supervise(factory, { timeout: 1_000 })));
    await jest.advanceTimersByTimeAsync(999);
    expect(signals).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(reading).resolves.toEqual({ values: input });
    expect(signals).toHaveLength(2);
    expect(signals[0].aborted).toBe(true);
  });

  it('does not count time spent waiting on a slow source as a stall', async () => {
    jest.useFakeTimers();
    const { factory, signals } = stages(ok);
    async function* slow() {
      for (const value of input) {
        await fakeDelay(5_000);
        yield value;
      }
    }
    const reading = settleAll(pipe(slow(), supervise(factory, { timeout: 1_000 })));
    await jest.advanceTimersByTimeAsync(6 * 5_000);
    await expect(reading).resolves.toEqual({ values: input });
    expect(signals).toHaveLength(1);
  });

  it('gives up after maxRestarts restarts in a row with the last error', async () => {
    let attempt = 0;
    const errors: Error[] = [];
    const factory = () =>
      map((_value: number) => {
        const error = new Error(`attempt ${attempt++}`);
        errors.push(error);
        throw error;
      });
    const source = spySource(input);
    const out = await settleAll(pipe(source, supervise(factory, { maxRestarts: 2 })));
    expect(errors).toHaveLength(3);
    expect(out.error).toBe(errors[2]);
    expect(source.log.finalized).toBe(true);
  });

  it('fails with a TimeoutError when the last restart stalls too', async () => {
    jest.useFakeTimers();
    const { factory, signals } = stages(stallOn(1));
    const reading = settleAll(pipe(input, supervise(factory, { timeout: 100, maxRestarts: 1 })));
    await jest.advanceTimersByTimeAsync(200);
    const { values, error } = await reading;
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('supervise: the stage yielded nothing for 100 ms');
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('counts restarts in a row: a value yielded resets the count', async () => {
    const failed = new Set<number>();
    const flaky = (value: number) => {
      if (!failed.has(value)) {
        failed.add(value);
        throw new Error(`first try of ${value}`);
      }
      return value;
    };
    const out = await settleAll(
      pipe(
        input,
        supervise(() => map(flaky), { maxRestarts: 1 }),
      ),
    );
    expect(out).toEqual({ values: input });
  });

  it('waits `backoff(n)` ms before restart n', async () => {
    jest.useFakeTimers({ now: 0 });
    const starts: number[] = [];
    const backoff = jest.fn((restart: number) => 100 * 2 ** restart);
    const factory = () => {
      starts.push(Date.now());
      return map((value: number) => {
        if (starts.length < 4) throw new Error('not yet');
        return value;
      });
    };
    const reading = settleAll(pipe(input, supervise(factory, { backoff })));
    await jest.advanceTimersByTimeAsync(2_000);
    await expect(reading).resolves.toEqual({ values: input });
    expect(backoff.mock.calls).toEqual([[1], [2], [3]]);
    expect(starts).toEqual([0, 200, 600, 1_400]);
  });

  it('does not retry a source error', async () => {
    const error = new Error('source failed');
    const { factory, signals } = stages(ok);
    const out = await settleAll(pipe(spySource(input, { failAt: 2, error }), supervise(factory)));
    expect(out).toEqual({ values: [1, 2], error });
    expect(signals).toHaveLength(1);
  });

  it('abandons a stage stuck for good without waiting for it, and restarts', async () => {
    jest.useFakeTimers();
    const gate = deferred<void>();
    let calls = 0;
    const factory = (): Stage<number, number> =>
      calls++ === 0
        ? async function* stuck(source) {
            for await (const value of source) {
              await gate.promise; // ignores its signal
              yield value;
            }
          }
        : map((value: number) => value);
    const reading = settleAll(pipe(input, supervise(factory, { timeout: 500 })));
    await jest.advanceTimersByTimeAsync(500);
    await expect(reading).resolves.toEqual({ values: input });
    expect(
      scope()
        .leaks()
        .map((leak) => leak.kind),
    ).toEqual(['source']);
    gate.resolve();
  });

  it('rejects with the reason when aborted during a backoff, leaving no timer or listener', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const reason = new Error('stop');
    const { factory } = stages(failOn(1, new Error('down')));
    const reading = settleAll(
      pipe(input, supervise(factory, { backoff: 10_000 }), { signal: controller.signal }),
    );
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBe(1);
    controller.abort(reason);
    await expect(reading).resolves.toEqual({ values: [], error: reason });
    expect(jest.getTimerCount()).toBe(0);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it.each([
    [[42, {}], new TypeError('Expected `stageFactory` to be a function, got 42')],
    [
      [() => map(ok), { timeout: -1 }],
      new RangeError(
        'Expected `timeout` to be a number of milliseconds ≥ 0 and ≤ 2147483647, or Infinity, got -1',
      ),
    ],
    [
      [() => map(ok), { timeout: 2 ** 31 }],
      new RangeError(
        'Expected `timeout` to be a number of milliseconds ≥ 0 and ≤ 2147483647, or Infinity, got 2147483648',
      ),
    ],
    [
      [() => map(ok), { backoff: 2 ** 31 }],
      new RangeError(
        'Expected `backoff` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648',
      ),
    ],
    [
      [() => map(ok), { maxRestarts: 1.5 }],
      new RangeError('Expected `maxRestarts` to be an integer ≥ 0 or Infinity, got 1.5'),
    ],
    [
      [() => map(ok), { backoff: '1s' }],
      new TypeError('Expected `backoff` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got "1s"'),
    ],
  ])('rejects bad arguments at build time: %p', (args, error) => {
    expect(() => (supervise as (...a: unknown[]) => unknown)(...args)).toThrow(error);
  });

  it('accepts `timeout: Infinity`, its documented "no timeout"', () => {
    expect(() => supervise(() => map(ok), { timeout: Infinity })).not.toThrow();
  });

  it('fails with a TypeError when the factory returns no stage', async () => {
    const out = await settleAll(
      pipe(
        input,
        supervise(() => 'nope' as never),
      ),
    );
    expect(out.error).toEqual(new TypeError('Expected `stageFactory` to return a stage, got "nope"'));
  });
});
