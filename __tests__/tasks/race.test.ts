import { race } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, ticks } from '../helpers.js';

useLeakCheck();

/** A task that settles when its gate does, or rejects with its signal's reason on abort. */
function gated<T>() {
  const gate = deferred<T>();
  const log = { signal: undefined as AbortSignal | undefined, settled: false };
  const task = (signal: AbortSignal): Promise<T> => {
    log.signal = signal;
    return new Promise<T>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      gate.promise.then(resolve, reject);
    }).finally(() => (log.settled = true));
  };
  return { gate, log, task };
}

describe('race', () => {
  it('resolves the first to fulfil, aborting the others with their own signals', async () => {
    const [a, b, c] = [gated<string>(), gated<string>(), gated<string>()];
    const result = race([a.task, b.task, c.task]);
    await ticks(2);
    expect(new Set([a.log.signal, b.log.signal, c.log.signal]).size).toBe(3);
    b.gate.resolve('b');
    await expect(result).resolves.toBe('b');
    expect(a.log.signal!.aborted && c.log.signal!.aborted).toBe(true);
    expect(b.log.signal!.aborted).toBe(false);
  });

  it('waits for the losers to settle before resolving', async () => {
    const winner = deferred<string>();
    const loserGate = deferred<void>();
    let loserSettled = false;
    let resolved = false;
    const result = race([
      () => winner.promise,
      async () => {
        await loserGate.promise; // ignores its signal for now
        loserSettled = true;
        return 'late';
      },
    ]).then((value) => ((resolved = true), value));
    winner.resolve('first');
    await ticks(10);
    expect(resolved).toBe(false);
    loserGate.resolve();
    await expect(result).resolves.toBe('first');
    expect(loserSettled).toBe(true);
  });

  it('ignores a loser that rejects or fulfils later', async () => {
    const result = race([async () => 'win', () => Promise.reject(new Error('loser'))]);
    await expect(result).resolves.toBe('win');
  });

  it('rejects with an AggregateError of every error, in order, when all reject (sync throws too)', async () => {
    const errors = [new Error('a'), new Error('b')];
    const result = race([
      () => Promise.reject(errors[0]),
      () => {
        throw errors[1];
      },
    ]);
    await expect(result).rejects.toBeInstanceOf(AggregateError);
    await result.catch((error: AggregateError) => expect(error.errors).toEqual(errors));
  });

  it('rejects on abort with the same reason after every task settled, leaving no listener', async () => {
    const controller = new AbortController();
    const [a, b] = [gated<number>(), gated<number>()];
    const result = race([a.task, b.task], { signal: controller.signal });
    await ticks(2);
    expect(abortListeners(controller.signal)).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(a.log.signal!.reason).toBe(reason);
    expect(a.log.settled && b.log.settled).toBe(true);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('rejects on an already-aborted signal without calling any task', async () => {
    const reason = new Error('already');
    const task = jest.fn(() => 1);
    await expect(race([task], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(task).not.toHaveBeenCalled();
  });

  it('throws for bad arguments, naming them', () => {
    expect(() => race('x' as never)).toThrow(
      new TypeError('Expected `fns` to be an array of functions, got "x"'),
    );
    expect(() => race([])).toThrow(
      new RangeError('Expected `fns` to be a non-empty array of functions, got an array of length 0'),
    );
    expect(() => race([() => 1, 2 as never])).toThrow(
      new TypeError('Expected `fns[1]` to be a function, got 2'),
    );
    expect(() => race([() => 1], { signal: 3 as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got 3'),
    );
  });
});
