/**
 * The contract set of ../shared/CONTRACT.md for a wait (`Semaphore.acquire`, `RateLimiter.wait`,
 * `SingleFlight.do`, a dropping `Channel.send`…): abort rejects with the same reason object and
 * leaves no listener and no timer, an already-aborted signal rejects at once and takes nothing,
 * and bad arguments throw when the call is made.
 */
import type { LeakScope } from '../../lib/testing/index.js';
import { abortListeners, turns, withinTurns } from '../helpers.js';

export interface BlockedWait {
  /** Starts a wait that stays pending until aborted. */
  wait(signal: AbortSignal): Promise<unknown>;
  /** Whether the wait took anything (a permit, a token, a run, a slot). */
  took(): boolean;
  /** Releases whatever makes the wait block. */
  dispose(): void;
}

export interface WaitUnderTest {
  /** A fresh subject on which `wait` blocks; none for a wait that never blocks (a dropping send). */
  blocked?(): BlockedWait;
  /** A fresh subject on which `wait` would complete at once. */
  free(): BlockedWait;
  /** Calls with bad arguments and the error each throws. */
  bad: [string, () => unknown, Error][];
}

export function describeWaitContract(name: string, subject: WaitUnderTest, scope: () => LeakScope): void {
  describe(`${name}: the wait contract`, () => {
    if (subject.blocked)
      it('rejects with the same reason object on abort, leaving no listener and no timer', async () => {
        const made = subject.blocked!();
        const controller = new AbortController();
        const reason = new Error('stop');
        const pending = made.wait(controller.signal);
        await turns(2);
        controller.abort(reason);
        await expect(withinTurns(pending)).rejects.toBe(reason);
        expect(abortListeners(controller.signal)).toBe(0);
        expect(made.took()).toBe(false);
        made.dispose();
        expect(scope().leaks()).toEqual([]);
      });

    it('rejects an already-aborted signal at once, taking nothing', async () => {
      const made = subject.free();
      const reason = new Error('already');
      const signal = AbortSignal.abort(reason);
      await expect(withinTurns(made.wait(signal))).rejects.toBe(reason);
      expect(made.took()).toBe(false);
      expect(abortListeners(signal)).toBe(0);
      made.dispose();
    });

    it('leaves no listener on a signal that never aborts once the wait completes', async () => {
      const made = subject.free();
      const controller = new AbortController();
      await withinTurns(made.wait(controller.signal));
      expect(abortListeners(controller.signal)).toBe(0);
      made.dispose();
    });

    it.each(subject.bad)('throws for %s when called', (_what, call, error) => {
      expect(call).toThrow(error);
    });
  });
}
