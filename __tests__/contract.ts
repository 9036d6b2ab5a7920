/**
 * The contract set of ../shared/CONTRACT.md, run against any stage: order, source error, callback
 * error (sync throw and rejection), break, abort with the same reason object and no listener
 * left, an already-aborted signal, a stuck source, and return() while a next() is pending.
 */
import { map } from '../lib/stages/map.js';
import { parallelMap } from '../lib/fan/parallel-map.js';
import { pipe } from '../lib/core/pipe.js';
import type { CallbackContext, Stage } from '../lib/core/types.js';
import type { LeakScope } from '../lib/testing/index.js';
import { abortListeners, deferred, spySource, stuckSource, ticks } from './helpers.js';

export interface StageUnderTest {
  /** Builds the stage; stages with a callback call `callback(value, context)` for each value. */
  build(callback: (value: number, context: CallbackContext) => unknown): Stage<number, unknown>;
  /** What the stage yields for `input` when the callback returns the value unchanged. */
  expected(input: number[]): unknown[];
  /** Whether the stage calls the callback (map, filter…), so callback errors can be tested. */
  hasCallback: boolean;
  /**
   * The stage yields nothing before its source ends (debounce over values that come at once): on
   * `break` the source has ended by itself, so its `finally` ran but it is not returned.
   */
  readsToEnd?: boolean;
}

const identity = (value: number): number => value;

export function describeContract(name: string, subject: StageUnderTest, scope: () => LeakScope): void {
  const input = [1, 2, 3, 4, 5, 6];

  describe(`${name}: the contract`, () => {
    it('yields in the documented order', async () => {
      const values: unknown[] = [];
      for await (const value of pipe(input, subject.build(identity))) values.push(value);
      expect(values).toEqual(subject.expected(input));
    });

    it('ends with a source error, after the stage cleaned up', async () => {
      const error = new Error('source failed');
      const source = spySource(input, { failAt: 3, error });
      const caught = await drainAll(pipe(source, subject.build(identity))).catch((e: unknown) => e);
      expect(caught).toBe(error);
      // Rule 1: by the time the error reaches the loop, every stage has cleaned up.
      expect(scope().leaks()).toEqual([]);
      expect(source.log.finalized).toBe(true);
    });

    if (subject.hasCallback) {
      it.each([
        [
          'a synchronous throw',
          (error: Error) => () => {
            throw error;
          },
        ],
        ['a rejection', (error: Error) => () => Promise.reject(error)],
      ])('ends with %s in the callback and returns the source', async (_kind, makeFailure) => {
        const error = new Error('callback failed');
        const fail = makeFailure(error);
        const source = spySource(input);
        const stage = subject.build((value) => (value === 3 ? fail() : value));
        await expect(drainAll(pipe(source, stage))).rejects.toBe(error);
        expect(source.log.returned || source.log.finalized).toBe(true);
      });
    }

    if (subject.hasCallback) {
      it('ends with a callback error even while a sluice stage upstream waits on a stuck source', async () => {
        const error = new Error('callback failed');
        const source = stuckAfter([1, 2]);
        const stage = subject.build((value) => (value === 2 ? Promise.reject(error) : value));
        await expect(
          drainAll(
            pipe(
              source,
              parallelMap((n: number) => n, { concurrency: 2 }),
              stage,
            ),
          ),
        ).rejects.toBe(error);
        source.release();
      });
    }

    it('ends a callback error with the first error when the source return() fails too', async () => {
      const error = new Error('first');
      const source = withFailingReturn(input, new Error('return failed'));
      const stage = subject.hasCallback
        ? subject.build((value) => (value === 2 ? Promise.reject(error) : value))
        : subject.build(identity);
      const run = drainAll(
        pipe(
          source,
          map((n: number) => (subject.hasCallback || n < 2 ? n : Promise.reject(error))),
          stage,
        ),
      );
      await expect(run).rejects.toBe(error);
    });

    it('returns the source and runs its finally when the consumer breaks early', async () => {
      const source = spySource(input);
      for await (const _ of pipe(source, subject.build(identity))) break;
      expect(source.log.returned).toBe(!subject.readsToEnd);
      expect(source.log.finalized).toBe(true);
    });

    it('rejects with the same reason object on abort and leaves no listener', async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      const source = spySource(input, { jitter: () => 3 });
      const iterator = pipe(source, subject.build(identity), { signal: controller.signal })[
        Symbol.asyncIterator
      ]();
      const pending = iterator.next();
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      expect(abortListeners(controller.signal)).toBe(0);
      // Rule 2: the source's return() is called, not waited on; the ledger shows it until it settles.
      // (Rule 1 speaks of the sources a pipeline opened: workerMap opens its source only once its
      // thread pool has loaded, so an abort before that never touches it.)
      expect(source.log.returned || !source.log.opened).toBe(true);
      if (source.log.opened && !source.log.finalized)
        expect(
          scope()
            .leaks()
            .map((leak) => leak.kind),
        ).toContain('source');
    });

    it('rejects an already-aborted signal before touching the source', async () => {
      const reason = new Error('already');
      const source = spySource(input);
      const pipeline = pipe(source, subject.build(identity), { signal: AbortSignal.abort(reason) });
      await expect(drainAll(pipeline)).rejects.toBe(reason);
      expect(source.log.pulls).toBe(0);
      expect(source.log.opened).toBe(false);
    });

    it('answers next() calls made before the previous one settled, in order', async () => {
      const iterator = pipe(spySource(input), subject.build(identity))[Symbol.asyncIterator]();
      const results = await Promise.all([iterator.next(), iterator.next(), iterator.next()]);
      const expected = subject.expected(input).slice(0, 3);
      expect(results.filter((r) => !r.done).map((r) => r.value)).toEqual(expected);
      await iterator.return!();
    });

    it('rejects on abort before a setTimeout(0) set at the abort fires, even with a stuck source', async () => {
      const controller = new AbortController();
      const reason = new Error('prompt');
      const source = stuckSource<number>();
      const order: string[] = [];
      const pending = drainAll(pipe(source, subject.build(identity), { signal: controller.signal }));
      pending.catch(() => order.push('rejected'));
      await ticks(10);
      const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 0));
      controller.abort(reason);
      await timer;
      await expect(pending).rejects.toBe(reason);
      expect(order).toEqual(['rejected', 'timer']);
      source.release();
    });

    it('answers next() with done after the error it ended with', async () => {
      const error = new Error('source failed');
      const iterator = pipe(spySource(input, { failAt: 0, error }), subject.build(identity))[
        Symbol.asyncIterator
      ]();
      await expect(iterator.next()).rejects.toBe(error);
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('lets abort end the loop even when the source is stuck forever', async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      const source = stuckSource<number>();
      const pending = drainAll(pipe(source, subject.build(identity), { signal: controller.signal }));
      await ticks(5);
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
      expect(source.log.returned).toBe(true);
      expect(abortListeners(controller.signal)).toBe(0);
      // The stuck source is the one thing the leak checker must report, until it lets go.
      expect(
        scope()
          .leaks()
          .map((leak) => leak.kind),
      ).toContain('source');
      source.release();
    });

    it('answers a pending next() with done when return() is called, without waiting for it', async () => {
      const source = stuckSource<number>();
      const iterator = pipe(source, subject.build(identity))[Symbol.asyncIterator]();
      const pending = iterator.next();
      await ticks(5);
      await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
      await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
      source.release();
    });

    if (subject.hasCallback) {
      it('aborts the signal of a callback in flight when the consumer returns', async () => {
        const started = deferred<AbortSignal>();
        // Every call waits for its signal, so an unordered stage has no other result to hand over.
        const stage = subject.build((value, { signal }) => {
          if (value === 1) started.resolve(signal);
          return new Promise((resolve) =>
            signal.addEventListener('abort', () => resolve(value), { once: true }),
          );
        });
        const iterator = pipe(input, stage)[Symbol.asyncIterator]();
        const pending = iterator.next();
        const signal = await started.promise;
        expect(signal.aborted).toBe(false);
        await iterator.return!();
        expect(signal.aborted).toBe(true);
        await expect(pending).resolves.toEqual({ done: true, value: undefined });
      });
    }
  });
}

async function drainAll(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable);
}

/** Yields `values`, then its next() never settles until `release()`. */
function stuckAfter(values: number[]): AsyncIterable<number> & { release(): void } {
  const stuck = stuckSource<number>();
  const iterable = {
    release: stuck.release,
    [Symbol.asyncIterator]() {
      const rest = stuck[Symbol.asyncIterator]();
      let index = 0;
      return {
        next: () =>
          index < values.length
            ? Promise.resolve({ done: false as const, value: values[index++] })
            : rest.next(),
        return: () => rest.return!(),
      };
    },
  };
  return iterable;
}

/** A source whose return() rejects: cleanup noise that must never mask the error that ended the run. */
function withFailingReturn(values: number[], error: Error): AsyncIterable<number> {
  return {
    [Symbol.asyncIterator]() {
      let index = 0;
      return {
        next: () =>
          Promise.resolve(
            index < values.length
              ? { done: false as const, value: values[index++] }
              : { done: true as const, value: undefined },
          ),
        return: () => Promise.reject(error),
      };
    },
  };
}
