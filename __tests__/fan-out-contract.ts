/**
 * The contract set for functions that fan one source out to several outputs (`split`, `tee`):
 * the source is returned only once every output is, abort reaches every output with the same
 * reason, an aborted signal touches nothing, a stuck source cannot hold an abort up, and return()
 * never waits on a pending next().
 */
import type { Branch } from '../lib/index.js';
import type { LeakScope } from '../lib/testing/index.js';
import { abortListeners, settleAll, spySource, stuckSource, ticks } from './helpers.js';

type FanOut = (
  source: AsyncIterable<number>,
  n: number,
  options?: { signal?: AbortSignal },
) => Branch<number>[];

const numbers = (length: number): number[] => Array.from({ length }, (_, i) => i);
const DONE = { done: true, value: undefined };

export function describeFanOutContract(name: string, make: FanOut, scope: () => LeakScope): void {
  describe(`${name}: the contract`, () => {
    it('returns the source only once every output is returned, and runs its finally', async () => {
      const source = spySource(numbers(10));
      const [a, b] = make(source, 2);
      for await (const _ of a) break;
      expect(source.log.returned).toBe(false);
      for await (const _ of b) break;
      expect(source.log.returned).toBe(true);
      expect(source.log.finalized).toBe(true);
    });

    it('rejects every pending next() with the same reason object on abort, leaving no listener', async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      const source = spySource(numbers(10), { jitter: () => 3 });
      const [a, b, c] = make(source, 3, { signal: controller.signal });
      const pending = [a.next(), a.next(), b.next()];
      controller.abort(reason);
      for (const next of pending) await expect(next).rejects.toBe(reason);
      // An output with nothing pending hears the reason on its next read, then is done.
      await expect(c.next()).rejects.toBe(reason);
      await expect(c.next()).resolves.toEqual(DONE);
      expect(abortListeners(controller.signal)).toBe(0);
      expect(source.log.returned).toBe(true);
    });

    it('rejects an already-aborted signal on the first read, before touching the source', async () => {
      const reason = new Error('already');
      const source = spySource(numbers(3));
      const [a, b] = make(source, 2, { signal: AbortSignal.abort(reason) });
      await expect(a.next()).rejects.toBe(reason);
      await expect(b.next()).rejects.toBe(reason);
      await expect(a.next()).resolves.toEqual(DONE);
      expect(source.log.opened).toBe(false);
    });

    it('lets abort end every output even when the source is stuck forever', async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      const source = stuckSource<number>();
      const [a, b] = make(source, 2, { signal: controller.signal });
      const pending = Promise.all([settleAll(a), settleAll(b)]);
      await ticks(5);
      controller.abort(reason);
      await expect(pending).resolves.toEqual([
        { values: [], error: reason },
        { values: [], error: reason },
      ]);
      expect(source.log.returned).toBe(true);
      expect(abortListeners(controller.signal)).toBe(0);
      expect(
        scope()
          .leaks()
          .map((leak) => leak.kind),
      ).toContain('source');
      source.release();
    });

    it('answers pending next() calls with done when return() is called, without waiting for them', async () => {
      const source = stuckSource<number>();
      const [a, b] = make(source, 2);
      const pending = [a.next(), a.next(), b.next()];
      await ticks(5);
      await expect(a.return()).resolves.toEqual(DONE);
      await expect(b.return()).resolves.toEqual(DONE);
      await expect(Promise.all(pending)).resolves.toEqual([DONE, DONE, DONE]);
      await expect(a.next()).resolves.toEqual(DONE);
      await expect(b.return()).resolves.toEqual(DONE);
      expect(source.log.returned).toBe(true);
      source.release();
    });
  });
}
