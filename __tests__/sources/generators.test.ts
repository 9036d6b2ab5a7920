import { collect, interval, pipe, range, repeat, repeatFn, take } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, ticks } from '../helpers.js';

const scope = useLeakCheck();

describe('range', () => {
  it('yields start up to end excluded', async () => {
    await expect(collect(range(2, 6))).resolves.toEqual([2, 3, 4, 5]);
    await expect(collect(range(3, 3))).resolves.toEqual([]);
    await expect(collect(range(5, 2))).resolves.toEqual([]);
    await expect(collect(range(0.5, 3))).resolves.toEqual([0.5, 1.5, 2.5]);
  });

  it('counts from start again on each iteration, and through a pipeline run twice', async () => {
    const numbers = range(0, 3);
    await expect(collect(numbers)).resolves.toEqual([0, 1, 2]);
    await expect(collect(numbers)).resolves.toEqual([0, 1, 2]);
    const firstTwo = pipe(numbers, take(2));
    await expect(collect(firstTwo)).resolves.toEqual([0, 1]);
    await expect(collect(firstTwo)).resolves.toEqual([0, 1]);
  });

  it('ends when the reader breaks', async () => {
    const out: number[] = [];
    for await (const n of range(0, Infinity)) if (out.push(n) === 3) break;
    expect(out).toEqual([0, 1, 2]);
  });

  it('rejects a bound that is not a number with a TypeError', () => {
    expect(() => range('0' as never, 3)).toThrow(
      new TypeError('Expected `start` to be a finite number, got "0"'),
    );
    expect(() => range(0, '5' as never)).toThrow(
      new TypeError('Expected `end` to be a finite number or Infinity, got "5"'),
    );
  });

  it('rejects a bound out of range (NaN, an infinite start) with a RangeError', () => {
    expect(() => range(NaN, 3)).toThrow(new RangeError('Expected `start` to be a finite number, got NaN'));
    expect(() => range(Infinity, 3)).toThrow(
      new RangeError('Expected `start` to be a finite number, got Infinity'),
    );
    expect(() => range(0, NaN)).toThrow(
      new RangeError('Expected `end` to be a finite number or Infinity, got NaN'),
    );
    expect(() => range(0, -Infinity)).toThrow(
      new RangeError('Expected `end` to be a finite number or Infinity, got -Infinity'),
    );
  });
});

describe('repeat', () => {
  it('cycles through its values forever', async () => {
    await expect(collect(pipe(repeat('a', 'b', 'c'), take(7)))).resolves.toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
      'a',
    ]);
  });

  it('rejects being given no value', () => {
    expect(() => repeat()).toThrow(
      new RangeError('Expected `repeat` to be given at least one value, got none'),
    );
  });
});

describe('repeatFn', () => {
  it('calls fn forever with its index and yields each result, awaiting promises', async () => {
    await expect(
      collect(
        pipe(
          repeatFn(async ({ index }) => index * index),
          take(4),
        ),
      ),
    ).resolves.toEqual([0, 1, 4, 9]);
  });

  it('aborts the signal of a call in flight when the reader stops', async () => {
    const started = deferred<AbortSignal>();
    const iterator = repeatFn(({ signal }) => {
      started.resolve(signal);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(0), { once: true }));
    })[Symbol.asyncIterator]();
    const pending = iterator.next();
    const signal = await started.promise;
    await iterator.return!();
    expect(signal.aborted).toBe(true);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('ends with the error fn throws', async () => {
    const error = new Error('fn failed');
    await expect(
      collect(
        repeatFn(() => {
          throw error;
        }),
      ),
    ).rejects.toBe(error);
  });

  it('rejects a non-function', () => {
    expect(() => repeatFn(1 as never)).toThrow(new TypeError('Expected `fn` to be a function, got 1'));
  });
});

describe('interval', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('yields 0, 1, 2 … one every `ms`', async () => {
    const ticksSeen: number[] = [];
    const done = (async () => {
      for await (const tick of pipe(interval(100), take(3))) ticksSeen.push(tick);
    })();
    await jest.advanceTimersByTimeAsync(99);
    expect(ticksSeen).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ticksSeen).toEqual([0]);
    await jest.advanceTimersByTimeAsync(200);
    await done;
    expect(ticksSeen).toEqual([0, 1, 2]);
  });

  it('clears its timer at once on abort, rejecting with the same reason and leaving no listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = collect(interval(1000), { signal: controller.signal });
    await ticks(5);
    expect(jest.getTimerCount()).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('sets no timer while nobody reads, and none after break', async () => {
    const iterable = interval(10);
    expect(jest.getTimerCount()).toBe(0);
    const iterator = iterable[Symbol.asyncIterator]();
    const first = iterator.next();
    await jest.advanceTimersByTimeAsync(10);
    await expect(first).resolves.toEqual({ done: false, value: 0 });
    await iterator.return!();
    expect(jest.getTimerCount()).toBe(0);
    expect(scope().leaks()).toEqual([]);
  });

  it('rejects a bad interval', () => {
    expect(() => interval(-5)).toThrow(
      new RangeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got -5'),
    );
  });

  it('rejects an interval longer than a Node timer can hold (2^31 ms) at build time', () => {
    expect(() => interval(2 ** 31)).toThrow(
      new RangeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648'),
    );
    expect(() => interval(2 ** 31 - 1)).not.toThrow();
  });
});
