/**
 * Hostile sources: everything the async-iterator protocol lets a source do wrong, and the
 * suite that runs each of them through an edge of sluice. CONTRACT rule 8: what a source hands
 * back is checked as `for await` checks it (a non-object result, or a `done` getter that throws,
 * fails the pipeline with a `TypeError`); rule 3: no error is lost and none escapes unhandled;
 * rules 1 and 2: no hang, on end, `break` or abort.
 */
import { settle } from '../lib/testing/index.js';
import { deferred, spySource, turns, withinTurns, type SourceLog } from './helpers.js';

/** A hand-written source with a log, so a suite can see what sluice did to it. */
export type HostileSource = AsyncIterable<number> & { log: SourceLog; release(): void };

interface Script {
  /** What `next()` does for pull `index` (from 0); return a value to hand back as is. */
  next(index: number): unknown;
  /** What `return()` does; default resolves `{ done: true }`. */
  return?(): unknown;
  /** Thrown by `[Symbol.asyncIterator]()` when given. */
  open?: () => never;
  /** Lets whatever never settles settle, so the test ends without a leak. */
  release?(): void;
}

function scripted(script: Script): HostileSource {
  const log: SourceLog = { pulls: 0, opened: false, returned: false, finalized: false };
  return {
    log,
    release: () => script.release?.(),
    [Symbol.asyncIterator]() {
      log.opened = true;
      script.open?.();
      let index = 0;
      return {
        next: () => {
          log.pulls++;
          return script.next(index++) as Promise<IteratorResult<number>>;
        },
        return: () => {
          log.returned = true;
          const result = script.return ? script.return() : Promise.resolve({ done: true, value: undefined });
          return result as Promise<IteratorResult<number>>;
        },
      };
    },
  };
}

const item = (index: number, length: number): IteratorResult<number> =>
  index < length ? { done: false, value: index } : { done: true, value: undefined };

/** `[Symbol.asyncIterator]()` throws `error` synchronously. */
export const throwingOpen = (error: unknown): HostileSource =>
  scripted({
    open: () => {
      throw error;
    },
    next: () => Promise.resolve(item(0, 0)),
  });

/** `next()` throws `error` synchronously on pull `at` (after yielding 0 … at − 1). */
export const throwingNext = (error: unknown, at = 0): HostileSource =>
  scripted({
    next: (index) => {
      if (index === at) throw error;
      return Promise.resolve(item(index, LONG));
    },
  });

/** Yields 0 … at − 1, then `next()` resolves `result` (not an iterator result, or a hostile one). */
export const badResult = (result: () => unknown, at = 0): HostileSource =>
  scripted({ next: (index) => Promise.resolve(index === at ? result() : item(index, LONG)) });

/** A result whose `done` getter throws (a `TypeError`, so either reading of rule 8 is one). */
export const throwingDone = (): unknown => ({
  get done(): boolean {
    throw new TypeError('the done getter failed');
  },
  value: 1,
});

/** `next()` returns a plain `{ done, value }` object, not a promise: `for await` accepts it. */
export const plainResults = (length: number): HostileSource =>
  scripted({ next: (index) => item(index, length) });

/** Yields 0 … length − 1, then `next()` never settles until `release()`. */
export function neverNext(length = 0): HostileSource {
  const gate = deferred<IteratorResult<number>>();
  return scripted({
    next: (index) => (index < length ? Promise.resolve(item(index, length)) : gate.promise),
    return: () => gate.promise.then(() => ({ done: true, value: undefined })),
    release: () => gate.resolve({ done: true, value: undefined }),
  });
}

/**
 * The longest a "forever" source runs: long enough that no edge reads it to the end before its
 * consumer stops, short enough that an edge that never stops still ends, so a hang guard counting
 * event-loop turns can see it (an endless source of resolved promises would starve the loop).
 */
const LONG = 50;

/** Yields 0 … 49 at once; `return()` never settles until `release()`. */
export function neverReturn(): HostileSource {
  const gate = deferred<IteratorResult<number>>();
  return scripted({
    next: (index) => Promise.resolve(item(index, LONG)),
    return: () => gate.promise,
    release: () => gate.resolve({ done: true, value: undefined }),
  });
}

/** Yields 0 … 49 at once; `return()` rejects with `error`. */
export const rejectingReturn = (error: unknown): HostileSource =>
  scripted({ next: (index) => Promise.resolve(item(index, LONG)), return: () => Promise.reject(error) });

/** Yields 0 … 49 at once; `return()` throws `error` synchronously. */
export const throwingReturn = (error: unknown): HostileSource =>
  scripted({
    next: (index) => Promise.resolve(item(index, LONG)),
    return: () => {
      throw error;
    },
  });

/** An async generator over 0 … length − 1 whose `finally` awaits (a cursor closing). */
export const closingSource = (length: number) => spySource(Array.from({ length }, (_, i) => i));

/**
 * An async generator over 0 … length − 1 whose `finally` waits until `release()`: a source still
 * closing its cursor, for as long as a test needs to look at it.
 */
export function gatedClosingSource(
  length: number,
): AsyncIterable<number> & { log: SourceLog; release(): void } {
  const log: SourceLog = { pulls: 0, opened: false, returned: false, finalized: false };
  const gate = deferred<void>();
  async function* generate(): AsyncGenerator<number, undefined, undefined> {
    try {
      for (let i = 0; i < length; i++) yield i;
      return undefined;
    } finally {
      await gate.promise;
      log.finalized = true;
    }
  }
  return {
    log,
    release: () => gate.resolve(),
    [Symbol.asyncIterator]() {
      log.opened = true;
      const generator = generate();
      return {
        next: () => {
          log.pulls++;
          return generator.next();
        },
        return: () => {
          log.returned = true;
          return generator.return(undefined);
        },
      };
    },
  };
}

/** An edge of sluice seen from its consumer: takes a source, gives what a `for await` reads. */
export interface Edge {
  name: string;
  /**
   * Builds the edge over `source`; `signal` aborts it. A sink returns its promise of what it
   * read, and calls `onValue` (when it has a callback) as each value reaches it.
   */
  open(
    source: AsyncIterable<number>,
    options: { signal: AbortSignal | undefined; onValue: (n: number) => void },
  ): AsyncIterable<unknown> | Promise<unknown[]>;
  /** A sink (`collect`, `drain`, `forEach`): no `break`; `'callback'` when values reach a callback. */
  sink?: 'plain' | 'callback';
  /** Turns what the edge yields back into the source's numbers. */
  normalize?(values: unknown[]): number[];
  /**
   * Whether a `break` waits for the source's `return()`, so its error reaches the consumer and its
   * `finally` has run. Not across a Node `Readable`: its iterator destroys the stream on `break`
   * and neither waits for the close nor reports its error. @default true
   */
  awaitsReturnOnBreak?: boolean;
}

type Outcome = { values: number[]; error?: unknown; ended: 'done' | 'error' };

/** Reads `edge` over `source` to the end, to its error, or to `breakAfter` values, then breaks. */
async function consume(
  edge: Edge,
  source: AsyncIterable<number>,
  {
    signal,
    breakAfter,
    onValue,
  }: { signal?: AbortSignal; breakAfter?: number; onValue?: (n: number) => void } = {},
): Promise<Outcome> {
  const values: unknown[] = [];
  const normalize = (): number[] => (edge.normalize ? edge.normalize(values) : (values as number[]));
  try {
    const opened = edge.open(source, { signal, onValue: (n) => onValue?.(n) });
    if (opened instanceof Promise) values.push(...(await opened));
    else
      for await (const value of opened) {
        values.push(value);
        onValue?.(normalize().length);
        if (breakAfter !== undefined && normalize().length >= breakAfter) break;
      }
    return { values: normalize(), ended: 'done' };
  } catch (error) {
    return { values: normalize(), error, ended: 'error' };
  }
}

/** Runs every hostile source through `edge`. */
export function describeHostileSources(edge: Edge): void {
  const guard = <T>(promise: Promise<T>): Promise<T> =>
    withinTurns(promise, 300, `${edge.name} over a hostile source`);

  describe(`${edge.name}: hostile sources`, () => {
    const sink = edge.sink !== undefined;

    it('fails with the error [Symbol.asyncIterator]() throws synchronously', async () => {
      const error = new Error('open failed');
      const outcome = await guard(consume(edge, throwingOpen(error)));
      expect(outcome).toEqual({ values: [], error, ended: 'error' });
    });

    it('fails with the error next() throws synchronously, after the values before it', async () => {
      const error = new Error('next threw');
      const outcome = await guard(consume(edge, throwingNext(error, 2)));
      expect(outcome.error).toBe(error);
      expect(outcome.values).toEqual([0, 1].slice(0, outcome.values.length));
    });

    it.each([
      ['null', () => null],
      ['a primitive (5)', () => 5],
      ['undefined', () => undefined],
      ['a result whose done getter throws', throwingDone],
    ])('fails with a TypeError when next() resolves %s, yielding nothing for it', async (_kind, result) => {
      const outcome = await guard(consume(edge, badResult(result, 1)));
      expect(outcome.error).toBeInstanceOf(TypeError);
      // Only the good value before it may come through; never `undefined` or `5`.
      expect(outcome.values).toEqual([0].slice(0, outcome.values.length));
    });

    it('accepts a next() that returns a plain { done, value } object, not a promise', async () => {
      const outcome = await guard(consume(edge, plainResults(4)));
      expect(outcome).toEqual({ values: [0, 1, 2, 3], ended: 'done' });
    });

    it('rejects with the abort reason while next() never settles, without waiting on it', async () => {
      const source = neverNext(1);
      const controller = new AbortController();
      const reason = new Error('abort');
      const run = consume(edge, source, { signal: controller.signal });
      await turns(2);
      controller.abort(reason);
      const outcome = await guard(run);
      expect(outcome.error).toBe(reason);
      source.release();
    });

    if (edge.sink !== 'plain')
      it('rejects with the abort reason when the source is idle and its return() never settles', async () => {
        const source = neverReturn();
        const controller = new AbortController();
        const reason = new Error('abort');
        // Abort once the first value is in: the source is idle then, and returning it never ends.
        const run = consume(edge, source, {
          signal: controller.signal,
          onValue: () => controller.abort(reason),
        });
        const outcome = await guard(run);
        expect(outcome.error).toBe(reason);
        source.release();
      });

    if (!sink) {
      if (edge.awaitsReturnOnBreak !== false) {
        it.each([
          ['rejects', rejectingReturn],
          ['throws synchronously', throwingReturn],
        ])('hands the consumer the error when the source return() %s on break', async (_kind, make) => {
          const error = new Error('return failed');
          const outcome = await guard(consume(edge, make(error), { breakAfter: 1 }));
          expect(outcome).toEqual({ values: [0], error, ended: 'error' });
        });
      } else {
        it.each([
          ['rejects', rejectingReturn],
          ['throws synchronously', throwingReturn],
        ])(
          'does not hang or leak an unhandled rejection when the source return() %s on break',
          async (_kind, make) => {
            const outcome = await guard(consume(edge, make(new Error('return failed')), { breakAfter: 1 }));
            expect(outcome.values).toEqual([0]);
          },
        );
      }

      it("has run a closing source's finally when the loop exits on break", async () => {
        const source = closingSource(10);
        const outcome = await guard(consume(edge, source, { breakAfter: 2 }));
        expect(outcome).toEqual({ values: [0, 1], ended: 'done' });
        if (edge.awaitsReturnOnBreak === false) await settle();
        expect(source.log.returned).toBe(true);
        expect(source.log.finalized).toBe(true);
      });
    }

    it("has run a closing source's finally when the loop exits at the end", async () => {
      const source = closingSource(3);
      const outcome = await guard(consume(edge, source));
      expect(outcome).toEqual({ values: [0, 1, 2], ended: 'done' });
      expect(source.log.finalized).toBe(true);
    });
  });
}
