import { heartbeat, type Beat } from '../../lib/stages/heartbeat.js';
import { pipe } from '../../lib/core/pipe.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeContract } from '../contract.js';
import { abortListeners, deferred, fakeDelay, type Deferred } from '../helpers.js';

const scope = useLeakCheck();

// An interval no contract case comes near, so the output is exactly the tagged input.
describeContract(
  'heartbeat',
  {
    build: () => heartbeat(60_000),
    expected: (input) => input.map((value) => ({ type: 'value', value })),
    hasCallback: false,
  },
  scope,
);

/**
 * A source whose items arrive when the test resolves their gates; it counts next() calls and
 * answers a pending next() with done when returned, as a well-behaved source does.
 */
function gatedSource(count: number) {
  const gates: Deferred<number>[] = Array.from({ length: count }, () => deferred<number>());
  const log = { pulls: 0, concurrent: 0, peak: 0, returned: false };
  const stop = deferred<IteratorResult<number>>();
  let index = 0;
  const source: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        log.pulls++;
        log.peak = Math.max(log.peak, ++log.concurrent);
        try {
          if (index >= gates.length) return { done: true, value: undefined };
          const gate = gates[index++].promise;
          return await Promise.race([gate.then((value) => ({ done: false, value })), stop.promise]);
        } finally {
          log.concurrent--;
        }
      },
      return: async () => {
        log.returned = true;
        stop.resolve({ done: true, value: undefined });
        return { done: true, value: undefined };
      },
    }),
  };
  return { gates, log, source };
}

describe('heartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('beats every interval while the source is silent, then delivers the value it waited for', async () => {
    const { gates, log, source } = gatedSource(2);
    const iterator = pipe(source, heartbeat<number>(100))[Symbol.asyncIterator]();
    const seen: Beat<number>[] = [];
    for (let i = 0; i < 3; i++) {
      const next = iterator.next();
      await jest.advanceTimersByTimeAsync(100);
      seen.push((await next).value as Beat<number>);
    }
    expect(seen).toEqual([{ type: 'beat' }, { type: 'beat' }, { type: 'beat' }]);
    // One upstream next() stayed pending across all three beats.
    expect(log.pulls).toBe(1);
    expect(log.peak).toBe(1);
    const value = iterator.next();
    gates[0].resolve(7);
    await expect(value).resolves.toEqual({ done: false, value: { type: 'value', value: 7 } });
    await iterator.return!();
    expect(log.returned).toBe(true);
  });

  it('does not beat when values keep coming faster than the interval', async () => {
    const { gates, source } = gatedSource(3);
    const iterator = pipe(source, heartbeat<number>(100))[Symbol.asyncIterator]();
    const seen: Beat<number>[] = [];
    for (const [i, gate] of gates.entries()) {
      const next = iterator.next();
      await jest.advanceTimersByTimeAsync(99);
      gate.resolve(i);
      seen.push((await next).value as Beat<number>);
    }
    expect(seen.map((event) => event.type)).toEqual(['value', 'value', 'value']);
    await iterator.return!();
  });

  it('runs no timer between reads: a slow reader is not flooded with stale beats', async () => {
    const { source } = gatedSource(1);
    const iterator = pipe(source, heartbeat<number>(100))[Symbol.asyncIterator]();
    const first = iterator.next();
    await jest.advanceTimersByTimeAsync(100);
    await expect(first).resolves.toEqual({ done: false, value: { type: 'beat' } });
    expect(
      scope()
        .leaks()
        .filter((leak) => leak.kind === 'timer'),
    ).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    const second = iterator.next();
    await jest.advanceTimersByTimeAsync(99);
    let settled = false;
    void second.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(second).resolves.toEqual({ done: false, value: { type: 'beat' } });
    await iterator.return!();
  });

  it('stops beating after break: the source is returned and no timer is left', async () => {
    const { log, source } = gatedSource(1);
    const seen: Beat<number>[] = [];
    const reading = (async () => {
      for await (const event of pipe(source, heartbeat<number>(100))) {
        seen.push(event);
        if (seen.length === 2) break;
      }
    })();
    await jest.advanceTimersByTimeAsync(200);
    await reading;
    expect(seen).toEqual([{ type: 'beat' }, { type: 'beat' }]);
    expect(log.returned).toBe(true);
    expect(scope().leaks()).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops beating on abort: rejects with the reason, clears its timer, leaves no listener', async () => {
    const { source } = gatedSource(1);
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = pipe(source, heartbeat<number>(100), { signal: controller.signal })[
      Symbol.asyncIterator
    ]();
    const beat = iterator.next();
    await jest.advanceTimersByTimeAsync(100);
    await expect(beat).resolves.toEqual({ done: false, value: { type: 'beat' } });
    const waiting = iterator.next();
    await jest.advanceTimersByTimeAsync(50);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('ends when the source ends, and passes a source error on', async () => {
    const { gates, source } = gatedSource(1);
    const iterator = pipe(source, heartbeat<number>(100))[Symbol.asyncIterator]();
    const first = iterator.next();
    gates[0].resolve(1);
    await expect(first).resolves.toEqual({ done: false, value: { type: 'value', value: 1 } });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });

    const error = new Error('boom');
    const failing = pipe(
      (async function* () {
        await fakeDelay(150);
        yield* []; // silent for 150 ms, then fails
        throw error;
      })(),
      heartbeat(100),
    )[Symbol.asyncIterator]();
    const beat = failing.next();
    await jest.advanceTimersByTimeAsync(100);
    await expect(beat).resolves.toEqual({ done: false, value: { type: 'beat' } });
    const failed = failing.next();
    const assertion = expect(failed).rejects.toBe(error);
    await jest.advanceTimersByTimeAsync(50);
    await assertion;
  });

  it.each([
    [0, new RangeError('Expected `interval` to be a number of milliseconds > 0 and ≤ 2147483647, got 0')],
    [NaN, new RangeError('Expected `interval` to be a number of milliseconds > 0 and ≤ 2147483647, got NaN')],
    [-5, new RangeError('Expected `interval` to be a number of milliseconds > 0 and ≤ 2147483647, got -5')],
    [
      2 ** 31,
      new RangeError(
        'Expected `interval` to be a number of milliseconds > 0 and ≤ 2147483647, got 2147483648',
      ),
    ],
    [
      '1s',
      new TypeError('Expected `interval` to be a number of milliseconds > 0 and ≤ 2147483647, got "1s"'),
    ],
  ])('rejects a bad interval at build time: %p', (interval, error) => {
    expect(() => heartbeat(interval as never)).toThrow(error);
  });
});
