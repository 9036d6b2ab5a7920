import fc from 'fast-check';
import { SingleFlight } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { deferred, ticks } from '../helpers.js';
import { describeWaitContract } from './wait-contract.js';

const scope = useLeakCheck();

describeWaitContract(
  'SingleFlight.do',
  {
    blocked: () => {
      const flights = new SingleFlight();
      const gate = deferred<void>();
      let runs = 0;
      return {
        wait: (signal) =>
          flights.do(
            'key',
            () => {
              runs++;
              return gate.promise;
            },
            { signal },
          ),
        // The run was started, but its signal aborted with its only caller and the key is free.
        took: () => flights.size !== 0 || runs !== 1,
        dispose: () => gate.resolve(),
      };
    },
    free: () => {
      const flights = new SingleFlight();
      let runs = 0;
      return {
        wait: (signal) => flights.do('key', () => ++runs, { signal }),
        took: () => runs !== 0,
        dispose: () => {},
      };
    },
    bad: [
      [
        'a task that is not a function',
        () => new SingleFlight().do('key', 'x' as never),
        new TypeError('Expected `task` to be a function, got "x"'),
      ],
      [
        'a signal that is not one',
        () => new SingleFlight().do('key', () => 1, { signal: 1 as never }),
        new TypeError('Expected `signal` to be an AbortSignal, got 1'),
      ],
    ],
  },
  scope,
);

describe('SingleFlight', () => {
  it('shares one run between concurrent callers of a key, and its error object', async () => {
    const flights = new SingleFlight();
    const gate = deferred<number>();
    const task = jest.fn(() => gate.promise);
    const a = flights.do('k', task);
    const b = flights.do('k', task);
    const other = flights.do('other', () => 'x');
    gate.resolve(7);
    await expect(Promise.all([a, b, other])).resolves.toEqual([7, 7, 'x']);
    expect(task).toHaveBeenCalledTimes(1);
    const error = new Error('failed');
    const c = flights.do('k', () => Promise.reject(error));
    const d = flights.do('k', () => 0);
    await expect(c).rejects.toBe(error);
    await expect(d).rejects.toBe(error);
    expect(flights.size).toBe(0);
  });

  it('treats a synchronous throw in the task as its rejection', async () => {
    const error = new Error('sync');
    await expect(
      new SingleFlight().do('k', () => {
        throw error;
      }),
    ).rejects.toBe(error);
  });

  it('aborts the run only once every waiting caller has aborted, each with its own reason at once', async () => {
    const flights = new SingleFlight();
    let runSignal!: AbortSignal;
    const task = (signal: AbortSignal): Promise<never> => {
      runSignal = signal;
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    };
    const first = new AbortController();
    const second = new AbortController();
    const a = flights.do('k', task, { signal: first.signal });
    const b = flights.do('k', task, { signal: second.signal });
    const reasonA = new Error('a');
    first.abort(reasonA);
    await expect(a).rejects.toBe(reasonA);
    expect(runSignal.aborted).toBe(false);
    const reasonB = new Error('b');
    second.abort(reasonB);
    await expect(b).rejects.toBe(reasonB);
    expect(runSignal.aborted).toBe(true);
    expect(runSignal.reason).toBe(reasonB);
    // The key is free at once: a new caller starts a fresh run, not the one being cancelled.
    await expect(flights.do('k', () => 'fresh')).resolves.toBe('fresh');
  });

  it('keeps the run going for a caller without a signal when others abort', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    let runSignal!: AbortSignal;
    const controller = new AbortController();
    const a = flights.do(
      'k',
      (signal) => {
        runSignal = signal;
        return gate.promise;
      },
      { signal: controller.signal },
    );
    const b = flights.do('k', () => gate.promise);
    controller.abort(new Error('gone'));
    await expect(a).rejects.toThrow('gone');
    expect(runSignal.aborted).toBe(false);
    gate.resolve('done');
    await expect(b).resolves.toBe('done');
  });

  it('runs a key once per overlapping set of callers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 2 }), delay: fc.nat(3), duration: fc.nat(6) }), {
          minLength: 1,
          maxLength: 15,
        }),
        async (calls) => {
          const flights = new SingleFlight();
          const runs = new Map<number, number>();
          const inFlight = new Set<number>();
          const joinedRun: number[] = [];
          let runId = 0;
          const runOf = new Map<number, number>();
          await Promise.all(
            calls.map(async ({ key, delay, duration }, i) => {
              await ticks(delay);
              const expected = inFlight.has(key) ? runOf.get(key)! : undefined;
              const got = await flights.do(key, async () => {
                const id = ++runId;
                runs.set(key, (runs.get(key) ?? 0) + 1);
                inFlight.add(key);
                runOf.set(key, id);
                await ticks(duration);
                inFlight.delete(key);
                return id;
              });
              joinedRun[i] = got;
              if (expected !== undefined && got !== expected)
                throw new Error('did not join the run in flight');
            }),
          );
          return flights.size === 0 && new Set(joinedRun).size === runId;
        },
      ),
      { numRuns: 100 },
    );
  });
});
