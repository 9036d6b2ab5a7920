import { after, map, pipe } from '../../lib/index.js';
import { LeakError, LeakScope, settle, useLeakCheck } from '../../lib/testing/index.js';
import { deferred } from '../helpers.js';

const scope = useLeakCheck();

describe('sluice/testing', () => {
  it('catches a deliberately leaked stage: a pipeline read once and never returned', async () => {
    const leaky = new LeakScope();
    const iterator = pipe(
      [1, 2, 3],
      map((n) => n),
    )[Symbol.asyncIterator]();
    await iterator.next();
    const error = await leaky.check().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeakError);
    expect((error as LeakError).leaks.map((leak) => leak.kind)).toContain('stage');
    await iterator.return!();
    expect(scope().leaks()).toEqual([]);
  });

  it('catches a leaked abort listener and timer', async () => {
    const leaky = new LeakScope();
    const controller = new AbortController();
    const waiting = after(60_000, { signal: controller.signal });
    const error = (await leaky.check().catch((e: unknown) => e)) as LeakError;
    expect(error.leaks.map((leak) => leak.kind).sort()).toEqual(['listener', 'timer']);
    expect(error.message).toContain('listener');
    controller.abort();
    await waiting.catch(() => undefined);
    // The same scope, not a fresh one (which could never see them): both are gone after the abort.
    expect(leaky.leaks()).toEqual([]);
  });

  it('is scoped: what started before a scope opened is not blamed on it', async () => {
    const gate = deferred<number>();
    const iterator = pipe(
      [1],
      map(() => gate.promise),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    const later = new LeakScope();
    expect(later.leaks()).toEqual([]);
    gate.resolve(1);
    await pending;
    await iterator.return!();
    await later.check();
  });

  it('passes once every pipeline has ended', async () => {
    const leaky = new LeakScope();
    for await (const _ of pipe(
      [1, 2],
      map((n) => n),
    ))
      break;
    await expect(leaky.check()).resolves.toBeUndefined();
  });
});

describe('settle', () => {
  it('waits turns of the real event loop, even under fake timers', async () => {
    jest.useFakeTimers();
    try {
      let ran = false;
      setImmediate(() => (ran = true));
      await settle(1);
      // The faked setImmediate has not run: settle used the real one.
      expect(ran).toBe(false);
      const real = deferred<void>();
      jest.useRealTimers();
      setImmediate(() => real.resolve());
      await settle(1);
      await real.promise;
    } finally {
      jest.useRealTimers();
    }
  });

  it('resolves at once for 0 turns', async () => {
    await expect(settle(0)).resolves.toBeUndefined();
  });

  it.each([
    ['2', new TypeError('Expected `turns` to be an integer ≥ 0, got "2"')],
    [-1, new RangeError('Expected `turns` to be an integer ≥ 0, got -1')],
    [1.5, new RangeError('Expected `turns` to be an integer ≥ 0, got 1.5')],
    [NaN, new RangeError('Expected `turns` to be an integer ≥ 0, got NaN')],
  ])('throws at the call for turns %p', (turns, error) => {
    expect(() => settle(turns as never)).toThrow(error);
  });
});
