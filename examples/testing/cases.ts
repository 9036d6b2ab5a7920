// The three checks every runner example makes: a clean run passes, a deliberate leak and a
// deliberate deadlock are caught, each named in your words at your file and line.
import assert from 'node:assert/strict';
import { Channel, collect, drain, map, pipe, range, retry, tee } from 'sluice';
import { DeadlockError, LeakError, LeakScope, useTestClock } from 'sluice/testing';

/** A 10-minute retry schedule under the test clock: runs in milliseconds. */
export async function cleanRun(): Promise<void> {
  using clock = useTestClock();
  let tries = 0;
  const done = retry(() => (++tries < 4 ? Promise.reject(new Error('busy')) : 'ok'), {
    retries: 5,
    minDelay: 60_000,
    maxDelay: 600_000,
    jitter: false,
  });
  await clock.runAll();
  assert.equal(await done, 'ok');
  assert.equal(clock.now, 60_000 + 120_000 + 240_000); // 7 virtual minutes
  assert.deepEqual(
    await collect(
      pipe(
        range(0, 3),
        map((n: number) => n * 2),
      ),
    ),
    [0, 2, 4],
  );
}

/** A tee output never read: reported with the line that called tee. */
export async function deliberateLeak(): Promise<void> {
  const scope = new LeakScope();
  const [read, unread] = tee(range(0, 3), 2);
  const iterator = read[Symbol.asyncIterator]();
  await iterator.next();
  const error = await scope.check().catch((e: unknown) => e);
  assert.ok(error instanceof LeakError);
  assert.match(error.message, /tee output 2 of 2 was never read, started at .*cases\.ts:\d+:/);
  await iterator.return!();
  await unread[Symbol.asyncIterator]().return!();
}

/** Two pipelines, each waiting on a channel the other would fill. */
export async function deliberateDeadlock(): Promise<void> {
  using clock = useTestClock();
  const [a, b] = [new Channel<number>(), new Channel<number>()];
  const one = drain(
    pipe(
      a,
      map((n: number) => b.send(n)),
    ),
  );
  const two = drain(
    pipe(
      b,
      map((n: number) => a.send(n)),
    ),
  );
  await assert.rejects(clock.runAll(), (error: unknown) => {
    assert.ok(error instanceof DeadlockError);
    // Both pipelines named, each at its own line of this file.
    const sites = error.waiting
      .filter((line) => line.startsWith('map at position 1: waiting-upstream'))
      .map((line) => /cases\.ts:(\d+)/.exec(line)?.[1]);
    assert.equal(new Set(sites).size, 2);
    return true;
  });
  a.close();
  b.close();
  await Promise.all([one, two]);
}
