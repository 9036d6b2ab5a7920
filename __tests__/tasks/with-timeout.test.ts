import { attempt, collect, parallelMap, pipe, TimeoutError, withTimeout } from '../../lib/index.js';
import type { CallbackContext } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred } from '../helpers.js';

useLeakCheck();

const context = (signal = new AbortController().signal): CallbackContext => ({ signal, index: 0 });

/** Settles when its signal aborts, with the signal's reason. */
const honest = (_value: number, { signal }: CallbackContext): Promise<never> =>
  new Promise((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );

describe('withTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles as fn does when fn is in time, and clears its timer', async () => {
    const wrapped = withTimeout(async (n: number) => n * 2, 1_000);
    await expect(wrapped(21, context())).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
    const error = new Error('fn failed');
    await expect(
      withTimeout(() => {
        throw error;
      }, 10)(1, context()),
    ).rejects.toBe(error);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with a TimeoutError after ms and aborts the call signal with it', async () => {
    let seen: AbortSignal | undefined;
    const wrapped = withTimeout((n: number, ctx: CallbackContext) => {
      seen = ctx.signal;
      return honest(n, ctx);
    }, 100);
    const run = wrapped(1, context());
    const caught = Promise.resolve(run).catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(100);
    const error = await caught;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBe(error);
  });

  it('aborts the call when the signal it was given aborts, leaving no listener', async () => {
    const outer = new AbortController();
    const reason = new Error('stop');
    const run = withTimeout(honest, 1_000)(1, context(outer.signal));
    outer.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(abortListeners(outer.signal)).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('with attempt and parallelMap, yields a TimeoutError for a slow call and goes on', async () => {
    const slow = deferred<never>();
    const fetchUser = (id: number, ctx: CallbackContext) =>
      id === 2 ? honest(id, ctx) : Promise.resolve(id);
    const run = collect(
      pipe([1, 2, 3], parallelMap(attempt(withTimeout(fetchUser, 1_000)), { concurrency: 32 })),
    );
    await jest.advanceTimersByTimeAsync(1_000);
    const out = await run;
    expect(out[0]).toEqual({ ok: true, value: 1 });
    expect(out[1]).toEqual({ ok: false, error: expect.any(TimeoutError) });
    expect(out[2]).toEqual({ ok: true, value: 3 });
    slow.resolve(undefined as never);
  });

  it('throws at build time naming a bad argument', () => {
    expect(() => withTimeout(1 as never, 10)).toThrow(new TypeError('Expected `fn` to be a function, got 1'));
    expect(() => withTimeout(() => 1, 2 ** 31)).toThrow(RangeError);
    expect(() => withTimeout(() => 1, -1)).toThrow('`ms`');
  });
});
