import { after, anySignal, collect, map, withSignal } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, spySource, stuckSource, ticks } from '../helpers.js';

const scope = useLeakCheck();

describe('after', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves after `ms`', async () => {
    let resolved = false;
    const waiting = after(50).then(() => (resolved = true));
    await jest.advanceTimersByTimeAsync(49);
    expect(resolved).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(resolved).toBe(true);
  });

  it('rejects with the same reason on abort, clearing its timer and listener', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = after(1000, { signal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('removes its listener when it resolves', async () => {
    const controller = new AbortController();
    const waiting = after(10, { signal: controller.signal });
    await jest.advanceTimersByTimeAsync(10);
    await waiting;
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('rejects an already-aborted signal without setting a timer', async () => {
    const reason = new Error('already');
    await expect(after(10, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('is reported by the leak checker while its timer is pending', async () => {
    const controller = new AbortController();
    const waiting = after(1000, { signal: controller.signal });
    expect(
      scope()
        .leaks()
        .map((leak) => leak.kind)
        .sort(),
    ).toEqual(['listener', 'timer']);
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
  });

  it('rejects bad arguments', () => {
    expect(() => after(-1)).toThrow(RangeError);
    expect(() => after(Infinity)).toThrow(
      'Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got Infinity',
    );
    expect(() => after(2 ** 31)).toThrow(
      new RangeError('Expected `ms` to be a number of milliseconds ≥ 0 and ≤ 2147483647, got 2147483648'),
    );
    expect(() => after(1, { signal: {} as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got an object'),
    );
  });
});

describe('withSignal', () => {
  it('yields the source until the signal aborts, then rejects with its reason at once', async () => {
    const controller = new AbortController();
    const reason = new Error('done');
    const source = stuckSource<number>();
    const pending = collect(withSignal(source, controller.signal));
    await ticks(3);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(source.log.returned).toBe(true);
    expect(abortListeners(controller.signal)).toBe(0);
    source.release();
  });

  it('reads a source to its end when the signal never aborts', async () => {
    await expect(collect(withSignal(spySource([1, 2]), new AbortController().signal))).resolves.toEqual([
      1, 2,
    ]);
  });

  it('composes with stages', async () => {
    const source = withSignal([1, 2, 3], new AbortController().signal);
    await expect(
      collect(map((n: number) => n * 2)(source, { signal: new AbortController().signal })),
    ).resolves.toEqual([2, 4, 6]);
  });

  it('requires a signal', () => {
    expect(() => withSignal([1], undefined as never)).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got undefined'),
    );
  });
});

describe('anySignal', () => {
  it('aborts with the reason of the first input to abort, and lets go of every input', () => {
    const a = new AbortController();
    const b = new AbortController();
    const reason = new Error('b first');
    const combined = anySignal(a.signal, undefined, b.signal);
    expect(abortListeners(a.signal)).toBe(1);
    b.abort(reason);
    expect(combined.aborted).toBe(true);
    expect(combined.reason).toBe(reason);
    expect(abortListeners(a.signal) + abortListeners(b.signal)).toBe(0);
  });

  it('is aborted at once when an input already is, adding no listener', () => {
    const live = new AbortController();
    const reason = new Error('early');
    const combined = anySignal(live.signal, AbortSignal.abort(reason));
    expect(combined.reason).toBe(reason);
    expect(abortListeners(live.signal)).toBe(0);
  });

  it('removes its listeners when disposed', () => {
    const a = new AbortController();
    const combined = anySignal(a.signal);
    combined[Symbol.dispose]();
    expect(abortListeners(a.signal)).toBe(0);
    a.abort();
    expect(combined.aborted).toBe(false);
  });

  it('rejects an input that is not a signal', () => {
    expect(() => anySignal(new AbortController().signal, 'x' as never)).toThrow(
      new TypeError('Expected `signals[1]` to be an AbortSignal, got "x"'),
    );
  });
});
