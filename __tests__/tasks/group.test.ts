import { Group } from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { abortListeners, deferred, ticks, type Deferred } from '../helpers.js';

useLeakCheck();

describe('Group', () => {
  it("aborts a running task's own signal with the group's first error, the same object", async () => {
    const group = new Group();
    const error = new Error('first');
    let taskSignal: AbortSignal | undefined;
    await group.go((signal) => {
      taskSignal = signal;
      return new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    });
    await group.go(() => Promise.reject(error));
    await expect(group.wait()).rejects.toBe(error);
    expect(taskSignal!.aborted).toBe(true);
    expect(taskSignal!.reason).toBe(error);
  });

  it('runs every task with a signal derived from the group signal and resolves wait() once all have finished', async () => {
    const group = new Group();
    const gates = [deferred<void>(), deferred<void>()];
    const seen: AbortSignal[] = [];
    for (const gate of gates)
      await group.go((signal) => {
        seen.push(signal);
        return gate.promise;
      });
    let waited = false;
    const waiting = group.wait().then(() => (waited = true));
    gates[0].resolve();
    await ticks(5);
    expect(waited).toBe(false);
    gates[1].resolve();
    await waiting;
    // Tasks' signals are derived from the group's (listeners a task leaves never pile up on it).
    expect(seen).not.toContain(group.signal);
    expect(group.signal.aborted).toBe(true);
  });

  it('never runs more than `limit` tasks at once, and go() resolves when the task starts', async () => {
    const group = new Group({ limit: 2 });
    let running = 0;
    let peak = 0;
    const gates: Deferred<void>[] = [];
    const started: boolean[] = [];
    const task = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      running--;
    };
    const goes = Array.from({ length: 5 }, (_, i) => group.go(task).then(() => (started[i] = true)));
    await ticks(3);
    expect(started).toEqual([true, true]);
    for (let i = 0; i < 5; i++) {
      expect(running).toBe(Math.min(2, 5 - i));
      gates[i].resolve();
      await ticks(5);
      expect(started.filter(Boolean)).toHaveLength(Math.min(5, i + 3));
    }
    await Promise.all(goes);
    await group.wait();
    expect(peak).toBe(2);
  });

  it('rejects wait() with the first error, aborts the others with it, and waits for them to settle', async () => {
    const group = new Group();
    const first = new Error('first');
    const slow = deferred<void>();
    let otherSaw: unknown;
    let slowSettled = false;
    await group.go(async (signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      otherSaw = signal.reason;
      await slow.promise;
      slowSettled = true;
      throw signal.reason;
    });
    await group.go(() => Promise.reject(first));
    await group.go(() => Promise.reject(new Error('second')));
    let settled = false;
    const waiting = group.wait().finally(() => (settled = true));
    await ticks(10);
    expect(otherSaw).toBe(first);
    expect(settled).toBe(false);
    slow.resolve();
    await expect(waiting).rejects.toBe(first);
    expect(slowSettled).toBe(true);
  });

  it('treats a synchronous throw in a task as a rejection', async () => {
    const group = new Group();
    const error = new Error('sync');
    await group.go(() => {
      throw error;
    });
    await expect(group.wait()).rejects.toBe(error);
  });

  it('aborts the group signal with the parent reason and removes its listener when wait settles', async () => {
    const parent = new AbortController();
    const group = new Group({ signal: parent.signal });
    expect(abortListeners(parent.signal)).toBe(1);
    await group.go(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const reason = new Error('parent');
    parent.abort(reason);
    expect(group.signal.reason).toBe(reason);
    await expect(group.wait()).rejects.toBe(reason);
    expect(abortListeners(parent.signal)).toBe(0);

    const other = new AbortController();
    const quiet = new Group({ signal: other.signal });
    await quiet.wait();
    expect(abortListeners(other.signal)).toBe(0);
  });

  it('starts aborted under an already-aborted parent', async () => {
    const reason = new Error('already');
    const group = new Group({ signal: AbortSignal.abort(reason) });
    expect(group.signal.reason).toBe(reason);
    await group.go((signal) => {
      if (signal.aborted) throw signal.reason;
    });
    await expect(group.wait()).rejects.toBe(reason);
  });

  it('accepts go() while wait() is pending, and throws after it settled', async () => {
    const group = new Group();
    const gate = deferred<void>();
    let late = false;
    await group.go(async () => {
      await gate.promise;
      await group.go(async () => {
        late = true;
      });
    });
    const waiting = group.wait();
    gate.resolve();
    await waiting;
    expect(late).toBe(true);
    expect(() => group.go(() => undefined)).toThrow(new Error('Group.go called after wait() settled'));
    await expect(group.wait()).resolves.toBeUndefined();
  });

  it('throws for bad arguments, naming them', () => {
    expect(() => new Group({ limit: 0 })).toThrow(
      new RangeError('Expected `limit` to be an integer ≥ 1 or Infinity, got 0'),
    );
    expect(() => new Group({ signal: {} as never })).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got an object'),
    );
    expect(() => new Group(5 as never)).toThrow(
      new TypeError('Expected `options` to be an options object, got 5'),
    );
    expect(() => new Group().go('x' as never)).toThrow(
      new TypeError('Expected `task` to be a function, got "x"'),
    );
  });
});
