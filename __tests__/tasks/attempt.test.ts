import { attempt, collect, map, pipe, type Result } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';

useLeakCheck();

describe('attempt', () => {
  it('resolves { ok: true, value } for a value, a promise, and passes the arguments through', async () => {
    await expect(attempt((a: number, b: number) => a + b)(1, 2)).resolves.toEqual({ ok: true, value: 3 });
    await expect(attempt(async (s: string) => s.toUpperCase())('x')).resolves.toEqual({
      ok: true,
      value: 'X',
    });
  });

  it('resolves { ok: false, error } for a rejection and for a synchronous throw, with the same error', async () => {
    const error = new Error('boom');
    const rejected = await attempt(() => Promise.reject(error))();
    const thrown = await attempt(() => {
      throw error;
    })();
    expect(rejected).toEqual({ ok: false, error });
    expect(thrown.ok || thrown.error).toBe(error);
  });

  it('works as a map callback, so an error becomes a value instead of ending the stream', async () => {
    const check = (n: number): number => {
      if (n === 2) throw new Error('two');
      return n * 10;
    };
    const out: Result<number>[] = await collect(pipe([1, 2, 3], map(attempt(check))));
    expect(out.map((r) => (r.ok ? r.value : (r.error as Error).message))).toEqual([10, 'two', 30]);
  });

  it('turns an abort into { ok: false, error: signal.reason }', async () => {
    const reason = new Error('aborted');
    const task = attempt((signal: AbortSignal) => (signal.aborted ? Promise.reject(signal.reason) : 1));
    await expect(task(AbortSignal.abort(reason))).resolves.toEqual({ ok: false, error: reason });
  });

  it('throws a TypeError naming the argument when fn is not a function', () => {
    expect(() => attempt(42 as never)).toThrow(new TypeError('Expected `fn` to be a function, got 42'));
  });
});
