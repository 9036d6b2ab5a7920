import { RateLimiter, retry, RetryError } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred } from '../helpers.js';

useLeakCheck();

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** A task that fails `failures` times, then resolves 'ok'; records when each try happened. */
function flaky(failures: number) {
  const calls: { at: number; attempt: number; signal: AbortSignal }[] = [];
  const fn = jest.fn(async (signal: AbortSignal, attempt: number) => {
    calls.push({ at: Date.now(), attempt, signal });
    if (calls.length <= failures) throw new Error(`fail ${calls.length}`);
    return 'ok';
  });
  return { calls, fn };
}

describe('retry', () => {
  it('backs off exponentially between tries (no jitter) and resolves the value', async () => {
    const start = Date.now();
    const { calls, fn } = flaky(3);
    const result = retry(fn, { retries: 3, minDelay: 100, factor: 2, jitter: false });
    await jest.advanceTimersByTimeAsync(99);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(200);
    expect(calls).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(400);
    await expect(result).resolves.toBe('ok');
    expect(calls.map(({ at, attempt }) => [at - start, attempt])).toEqual([
      [0, 1],
      [100, 2],
      [300, 3],
      [700, 4],
    ]);
  });

  it('caps the delay at maxDelay', async () => {
    const start = Date.now();
    const { calls, fn } = flaky(3);
    const result = retry(fn, { minDelay: 100, maxDelay: 150, jitter: false });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(result).resolves.toBe('ok');
    expect(calls.map(({ at }) => at - start)).toEqual([0, 100, 250, 400]);
  });

  it('waits a full-jitter delay in [0, delay]', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.25);
    const start = Date.now();
    const { calls, fn } = flaky(2);
    const result = retry(fn, { minDelay: 100 });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(result).resolves.toBe('ok');
    expect(calls.map(({ at }) => at - start)).toEqual([0, 25, 75]);
  });

  it('rejects with a RetryError carrying the last error and the number of tries', async () => {
    const { fn } = flaky(10);
    const result = retry(fn, { retries: 2, jitter: false });
    const settled = result.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(1_000);
    const error = (await settled) as RetryError;
    expect(error).toBeInstanceOf(RetryError);
    expect(error.name).toBe('RetryError');
    expect(error.attempts).toBe(3);
    expect((error.cause as Error).message).toBe('fail 3');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('rethrows an error shouldRetry refuses as it is, and treats a synchronous throw as a failure', async () => {
    class FatalError extends Error {}
    const fatal = new FatalError('fatal');
    const fn = jest.fn(() => {
      throw fatal;
    });
    const shouldRetry = jest.fn(() => false);
    const caught = await retry(fn, { shouldRetry }).catch((error: unknown) => error);
    expect(caught).toBe(fatal);
    expect(caught).toBeInstanceOf(FatalError);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(shouldRetry).toHaveBeenCalledWith(fatal, 1);
  });

  it('keeps RetryError for giving up after the last retry only', async () => {
    const { fn } = flaky(10);
    const settled = retry(fn, { retries: 1, jitter: false, shouldRetry: () => true }).catch(
      (e: unknown) => e,
    );
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await settled).toMatchObject({ name: 'RetryError', attempts: 2 });
  });

  it('waits on a shared limiter before every attempt, the first included', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1_000 });
    await limiter.wait();
    const start = Date.now();
    const calls: number[] = [];
    const fn = jest.fn(() => {
      calls.push(Date.now() - start);
      if (calls.length < 3) throw new Error('again');
      return 'ok';
    });
    const result = retry(fn, { limiter, jitter: false, minDelay: 10 });
    await jest.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toBe('ok');
    expect(calls).toEqual([1_000, 2_000, 3_000]);
  });

  it('rejects with the same reason when aborted while waiting on the limiter, leaving no listener', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 60_000 });
    await limiter.wait();
    const controller = new AbortController();
    const fn = jest.fn();
    const result = retry(fn, { limiter, signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    expect(abortListeners(controller.signal)).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with the same reason when aborted during a delay, clearing the timer and its listener', async () => {
    const controller = new AbortController();
    const { fn } = flaky(5);
    const result = retry(fn, { signal: controller.signal, jitter: false });
    await jest.advanceTimersByTimeAsync(50);
    expect(fn).toHaveBeenCalledTimes(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('rejects with the same reason when aborted during a try, without retrying', async () => {
    const controller = new AbortController();
    const fn = jest.fn(
      (signal: AbortSignal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('noise')))),
    );
    const result = retry(fn, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn.mock.calls[0][0]).toBe(controller.signal);
  });

  it('rejects with the same reason when aborted during a try that then fulfils', async () => {
    const controller = new AbortController();
    const gate = deferred<string>();
    const fn = jest.fn(() => gate.promise);
    const result = retry(fn, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    gate.resolve('too late');
    await expect(result).rejects.toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps a thrown value that has no toString (Object.create(null)) as the RetryError cause', async () => {
    const bare = Object.create(null) as object;
    const error = (await retry(
      () => {
        throw bare;
      },
      { retries: 0 },
    ).catch((caught: unknown) => caught)) as RetryError;
    expect(error).toBeInstanceOf(RetryError);
    expect(error.cause).toBe(bare);
    expect(error.attempts).toBe(1);
    expect(error.message).toBe('Gave up after 1 attempt: an object');
  });

  it('rejects on an already-aborted signal without calling fn', async () => {
    const reason = new Error('already');
    const fn = jest.fn(() => 1);
    await expect(retry(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('throws for bad arguments, naming them', () => {
    const ok = () => 1;
    expect(() => retry(1 as never)).toThrow(new TypeError('Expected `fn` to be a function, got 1'));
    expect(() => retry(ok, { retries: -1 })).toThrow(
      new RangeError('Expected `retries` to be an integer ≥ 0 or Infinity, got -1'),
    );
    expect(() => retry(ok, { minDelay: NaN })).toThrow(
      new RangeError('Expected `minDelay` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got NaN'),
    );
    expect(() => retry(ok, { maxDelay: 2 ** 31 })).toThrow(
      new RangeError(
        'Expected `maxDelay` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648',
      ),
    );
    expect(() => retry(ok, { minDelay: Infinity, maxDelay: Infinity })).toThrow(
      new RangeError('Expected `minDelay` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got Infinity'),
    );
    expect(() => retry(ok, { factor: NaN })).toThrow(
      new RangeError('Expected `factor` to be a finite number ≥ 1, got NaN'),
    );
    expect(() => retry(ok, { factor: '2' as never })).toThrow(
      new TypeError('Expected `factor` to be a finite number ≥ 1, got "2"'),
    );
    expect(() => retry(ok, { minDelay: 200, maxDelay: 100 })).toThrow(
      new RangeError('Expected `maxDelay` to be ≥ `minDelay` (200), got 100'),
    );
    expect(() => retry(ok, { factor: 0.5 })).toThrow(
      new RangeError('Expected `factor` to be a finite number ≥ 1, got 0.5'),
    );
    expect(() => retry(ok, { jitter: 'no' as never })).toThrow(
      new TypeError('Expected `jitter` to be a boolean, got "no"'),
    );
    expect(() => retry(ok, { limiter: {} as never })).toThrow(
      new TypeError('Expected `limiter` to be a RateLimiter, got an object'),
    );
    expect(() => retry(ok, { shouldRetry: 1 as never })).toThrow(
      new TypeError('Expected `shouldRetry` to be a function, got 1'),
    );
  });
});
