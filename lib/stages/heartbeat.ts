import { implStage } from '../core/define-stage.js';
import { returnQuietly } from '../core/iterators.js';
import { release, track } from '../util/registry.js';
import { assertPositiveDuration } from '../util/validate.js';
import type { Stage } from '../core/types.js';

/** What `heartbeat` yields: the source's values, tagged, with beats between them. */
export type Beat<T> = { type: 'value'; value: T } | { type: 'beat' };

const BEAT: Beat<never> = Object.freeze({ type: 'beat' });

/** The one upstream `next()` in flight, kept across beats so it is never called twice at once. */
interface Pull<T> {
  readonly promise: Promise<IteratorResult<T>>;
  settled: boolean;
  wake: (() => void) | undefined;
}

/**
 * The book's heartbeats: yields `{ type: 'value', value }` for each source value and
 * `{ type: 'beat' }` whenever the source has been silent for `interval` ms while a reader waits,
 * so a consumer can tell a slow stage (beats keep coming) from a dead one (nothing comes).
 *
 * Why this shape: an async iterable has one channel, not Go's two, so beats travel in band as a
 * tagged union a consumer switches on (or filters out); and a beat is owed only to someone
 * waiting, so the timer runs only while a `next()` is pending — a slow reader is not flooded
 * with stale beats, and no timer runs between reads. Values themselves prove liveness: a busy
 * source yields no beats. Beats come from this stage, so they say the pipeline is alive and
 * waiting on its upstream; the number of beats without a value says how long the upstream has
 * been silent, and the consumer decides when silence means dead (or puts the upstream under
 * `supervise` with a `timeout`, which restarts it).
 *
 * Reads one item ahead of demand at most: the upstream `next()` begun before a beat stays pending
 * across beats and delivers the next value. End: ends when the source ends. Error: a source error
 * ends it. Abort: the timer is cleared and the pending `next()` rejects with `signal.reason`.
 * `break`: the source is returned; no timer outlives the stage.
 *
 * @example
 * for await (const event of pipe(jobs, parallelMap(work), heartbeat(1_000), { signal })) {
 *   if (event.type === 'beat') console.log('still working');
 *   else console.log('result', event.value);
 * }
 */
export function heartbeat<T>(interval: number): Stage<T, Beat<T>> {
  assertPositiveDuration('interval', interval);
  return implStage((source) => beating(source, interval));
}

async function* beating<T>(source: AsyncIterable<T>, interval: number): AsyncGenerator<Beat<T>> {
  const iterator = source[Symbol.asyncIterator]();
  let pull: Pull<T> | undefined;
  try {
    for (;;) {
      pull ??= startPull(iterator);
      if (await beatBefore(pull, interval)) {
        yield BEAT;
        continue;
      }
      const settled = pull.promise;
      pull = undefined;
      // Within pipe an abort rejects the pending next() with the reason, which ends us here.
      const result = await settled;
      if (result.done) return;
      yield { type: 'value', value: result.value };
    }
  } finally {
    await returnQuietly(iterator);
  }
}

function startPull<T>(iterator: AsyncIterator<T>): Pull<T> {
  const pull: Pull<T> = { promise: iterator.next(), settled: false, wake: undefined };
  // One reaction for the pull's whole life, however many beats it spans (no race per beat).
  const onSettled = (): void => {
    pull.settled = true;
    pull.wake?.();
  };
  pull.promise.then(onSettled, onSettled);
  return pull;
}

/** Resolves true when `interval` ms pass before the pull settles, false when it settles first. */
function beatBefore<T>(pull: Pull<T>, interval: number): Promise<boolean> {
  if (pull.settled) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = track('timer', `heartbeat(${interval})`);
    const handle = setTimeout(() => finish(true), interval);
    pull.wake = () => finish(false);
    function finish(beat: boolean): void {
      clearTimeout(handle);
      release(timer);
      pull.wake = undefined;
      resolve(beat);
    }
  });
}
