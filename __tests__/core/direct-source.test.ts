import { batch, buffer, collect, map, parallelMap, pipe } from '../../lib/index.js';
import { livePipelines } from '../../lib/inspect/index.js';
import { settle, useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, listen, stuckSource } from '../helpers.js';

useLeakCheck();

/** A source that keeps the signal each iteration was opened with, and whether it was returned. */
function signalSource(values: readonly number[]) {
  const log = { signals: [] as (AbortSignal | undefined)[], returned: 0 };
  const source = {
    [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<number> {
      log.signals.push(signal);
      let at = 0;
      return {
        next: async () =>
          at < values.length ? { done: false, value: values[at++]! } : { done: true, value: undefined },
        return: async () => {
          log.returned++;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { source, log };
}

// A pipeline whose first stage is an engine gives it the source with no relay segment between
// them: these pin down what that segment did.
describe('a source read by an engine first, with no relay segment', () => {
  it.each([
    ['at the end, without a signal', false, false],
    ['at the end, with a signal of the user', true, false],
    ['before more stages', false, true],
  ])('opens the source with a signal aborted once the loop exits (%s)', async (_, withSignal, more) => {
    const { source, log } = signalSource([1, 2, 3, 4]);
    const user = new AbortController();
    const engine = parallelMap(async (n: number) => n, { concurrency: 2 });
    const pipeline = more
      ? pipe(
          source,
          engine,
          map((n: number) => n),
          { signal: withSignal ? user.signal : undefined },
        )
      : pipe(source, engine, { signal: withSignal ? user.signal : undefined });
    for await (const n of pipeline) if (n === 1) break;
    expect(log.signals).toHaveLength(1);
    expect(log.signals[0]).toBeInstanceOf(AbortSignal);
    expect(log.signals[0]!.aborted).toBe(true);
    expect(log.signals[0]).not.toBe(user.signal);
    expect(user.signal.aborted).toBe(false);
    expect(log.returned).toBe(1);
    expect(abortListeners(user.signal)).toBe(0);
  });

  it("reports a failing source as the source's, not as the engine's", async () => {
    const errors = listen('sluice:stage:error');
    try {
      const boom = new Error('source failed');
      const failing = (async function* () {
        yield 1;
        throw boom;
      })();
      await expect(
        collect(
          pipe(
            failing,
            parallelMap(async (n: number) => n),
          ),
        ),
      ).rejects.toBe(boom);
      expect(errors.messages).toEqual([{ id: expect.any(Number), name: 'source', position: 0, error: boom }]);
    } finally {
      errors.stop();
    }
  });

  it('shows the engine waiting on its source in a dump while the source is stuck', async () => {
    const stuck = stuckSource<number>();
    const iterator = pipe(
      stuck,
      parallelMap(async (n: number) => n),
    )[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    expect(livePipelines()[0]!.stages).toEqual([
      expect.objectContaining({ name: 'source', position: 0, state: 'waiting-upstream', pendingNext: true }),
      expect.objectContaining({ name: 'parallelMap', position: 1, state: 'waiting-upstream' }),
    ]);
    stuck.release();
    await iterator.return!();
    await pending;
    expect(livePipelines()).toEqual([]);
  });

  it('hands over every value of an array that ends while the engine is serving', async () => {
    // An array answers at once, its end too: the engine is told of the end from inside its own
    // serving, which must not lose or reorder what it was handing over.
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const ordered = collect(
      pipe(
        [0, 1, 2],
        parallelMap((i: number) => gates[i]!.promise, { concurrency: 3 }),
      ),
    );
    await settle();
    for (const [i, value] of [
      [2, 'c'],
      [1, 'b'],
      [0, 'a'],
    ] as const) {
      gates[i]!.resolve(value);
      await settle();
    }
    await expect(ordered).resolves.toEqual(['a', 'b', 'c']);
    await expect(collect(pipe([1, 2, 3], buffer(2)))).resolves.toEqual([1, 2, 3]);
    await expect(collect(pipe([1, 2, 3], batch(2)))).resolves.toEqual([[1, 2], [3]]);
  });
});
