/**
 * The contract set of ../shared/CONTRACT.md for the sources sluice makes (`merge(...)`, a
 * `Channel`, `repeatFn`, `interval`, `range`, `from`): `break` stops them and returns what they
 * opened, abort rejects with the same reason object and leaves no listener, an already-aborted
 * signal touches nothing, and the whole iterator protocol (rule 6) is answered in order.
 */
import { pipe } from '../../lib/index.js';
import type { LeakScope } from '../../lib/testing/index.js';
import { abortListeners, settleAll, turns, withinTurns, type SourceLog } from '../helpers.js';

export interface MadeSource<T> {
  source: AsyncIterable<T>;
  /** Whether anything was read, called or scheduled on the source's behalf. */
  touched(): boolean;
  /** The log of a spy the source opened (merge's inputs), to check it was returned and closed. */
  inner?: SourceLog;
  /** Ends whatever the test left open (a channel, a gate). */
  dispose?(): void;
}

export interface SourceUnderTest<T> {
  /** A fresh source that yields at least `first` (its first values), in order. */
  make(): MadeSource<T>;
  first: T[];
  /** Every value, for a source that ends by itself. */
  all?: T[];
  /** A fresh source whose first `next()` stays pending until it is aborted, returned or disposed. */
  pending?(): MadeSource<T>;
  /** Lets the source's time pass while `promise` is pending (fake timers); default a hang guard. */
  run?<R>(promise: Promise<R>): Promise<R>;
}

const DONE = { done: true, value: undefined };

export function describeSourceContract<T>(
  name: string,
  subject: SourceUnderTest<T>,
  scope: () => LeakScope,
): void {
  const run = <R>(promise: Promise<R>): Promise<R> =>
    subject.run ? subject.run(promise) : withinTurns(promise, 200, name);

  describe(`${name}: the source contract`, () => {
    it('yields its values in order, and break stops it and returns what it opened', async () => {
      const made = subject.make();
      const values: T[] = [];
      const loop = (async () => {
        for await (const value of made.source) if (values.push(value) >= subject.first.length) break;
      })();
      await run(loop);
      expect(values).toEqual(subject.first);
      if (made.inner) {
        expect(made.inner.returned).toBe(true);
        expect(made.inner.finalized).toBe(true);
      }
      // Rule 1: nothing of sluice's outlives the loop (timers, listeners, stages, sources).
      expect(scope().leaks()).toEqual([]);
      made.dispose?.();
    });

    it('ends a loop whose body aborts with the same reason object, leaving no listener', async () => {
      const made = subject.make();
      const controller = new AbortController();
      const reason = new Error('stop');
      const outcome = run(
        (async () => {
          try {
            for await (const _ of pipe(made.source, { signal: controller.signal })) controller.abort(reason);
            return undefined;
          } catch (error) {
            return error;
          }
        })(),
      );
      await expect(outcome).resolves.toBe(reason);
      expect(abortListeners(controller.signal)).toBe(0);
      if (made.inner) expect(made.inner.returned).toBe(true);
      made.dispose?.();
    });

    if (subject.pending)
      it('rejects a pending next() with the same reason object on abort, leaving no listener', async () => {
        const made = subject.pending!();
        const controller = new AbortController();
        const reason = new Error('stop');
        const iterator = pipe(made.source, { signal: controller.signal })[Symbol.asyncIterator]();
        const pending = iterator.next();
        await turns(2);
        controller.abort(reason);
        await expect(withinTurns(pending)).rejects.toBe(reason);
        await expect(iterator.next()).resolves.toEqual(DONE);
        expect(abortListeners(controller.signal)).toBe(0);
        made.dispose?.();
      });

    it('rejects the first next() on an already-aborted signal, without touching the source', async () => {
      const made = subject.make();
      const reason = new Error('already');
      const iterator = pipe(made.source, { signal: AbortSignal.abort(reason) })[Symbol.asyncIterator]();
      await expect(withinTurns(iterator.next())).rejects.toBe(reason);
      expect(made.touched()).toBe(false);
      if (made.inner) expect(made.inner.opened).toBe(false);
      made.dispose?.();
    });

    it('answers next() calls made before the previous one settled, in order', async () => {
      const made = subject.make();
      const iterator = made.source[Symbol.asyncIterator]();
      const results = await run(Promise.all(subject.first.map(() => iterator.next())));
      expect(results).toEqual(subject.first.map((value) => ({ done: false, value })));
      await run(iterator.return!());
      made.dispose?.();
    });

    if (subject.pending)
      it('answers a pending next() with done when return() is called, without waiting for it', async () => {
        const made = subject.pending!();
        const iterator = made.source[Symbol.asyncIterator]();
        const pending = iterator.next();
        await turns(2);
        await expect(withinTurns(iterator.return!())).resolves.toEqual(DONE);
        await expect(withinTurns(pending)).resolves.toEqual(DONE);
        made.dispose?.();
      });

    it('answers next() after the end with done, and a second return() is harmless', async () => {
      const made = subject.make();
      const iterator = made.source[Symbol.asyncIterator]();
      if (subject.all) {
        const outcome = await run(settleAll({ [Symbol.asyncIterator]: () => iterator }));
        expect(outcome).toEqual({ values: subject.all });
      } else {
        await run(iterator.next());
        await run(iterator.return!());
      }
      await expect(run(iterator.next())).resolves.toEqual(DONE);
      await expect(run(iterator.return!())).resolves.toEqual(DONE);
      await expect(run(iterator.next())).resolves.toEqual(DONE);
      made.dispose?.();
    });
  });
}
