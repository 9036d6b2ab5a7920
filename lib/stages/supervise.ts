import { CHANNELS } from '../core/channels.js';
import { after } from '../tasks/after.js';
import { isGracefulStop } from '../util/abort.js';
import { TimeoutError } from '../core/errors.js';
import { implStage } from '../core/define-stage.js';
import { ignoreRejection } from '../util/deferred.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import { SharedSource } from './shared-source.js';
import { assertCount, assertDuration, assertFunction, assertOptions, describe } from '../util/validate.js';
import { pipe } from '../core/pipe.js';
import type { Stage } from '../core/types.js';

/** Options of `supervise`. */
export interface SuperviseOptions {
  /**
   * Milliseconds the stage may go without yielding or reading while a value is wanted; then it
   * counts as stalled and is restarted. Time it spends waiting on the source does not count.
   * @default Infinity
   */
  timeout?: number | undefined;
  /** Restarts allowed in a row, that is without a value yielded in between. @default 3 */
  maxRestarts?: number | undefined;
  /** Milliseconds to wait before restart `n` (1, 2, … in a row), or a function of `n`. @default 0 */
  backoff?: number | ((restart: number) => number) | undefined;
}

const STALLED = Symbol('stalled');

interface Settings<I, O> {
  stageFactory: () => Stage<I, O>;
  timeout: number;
  maxRestarts: number;
  delayFor: (restart: number) => number;
}

/**
 * The book's steward: runs `stageFactory()` over the source and yields what it yields. When the
 * stage fails, or stalls (yields and reads nothing for `timeout` ms while a value is wanted), its
 * signal is aborted and a fresh stage from `stageFactory()` goes on with the rest of the source,
 * after `backoff` ms. The source is shared across restarts and returned only when `supervise` ends.
 *
 * The item in flight is retried: the last item the failed stage read, if it had yielded nothing
 * since, is fed again to the fresh stage (at least once delivery; a poison item uses up the
 * restarts). Items a stage had buffered beyond that one are lost with it. Reads the source only
 * as far ahead as the running stage does.
 *
 * End: ends when the stage ends. Error: after `maxRestarts` restarts in a row it fails with the
 * stage's last error (a stall is a `TimeoutError`); a source error is not retried and ends it at
 * once. Abort and `break`: the running stage is aborted and returned, then the source.
 * A stalled stage is aborted and returned without being awaited (a stage stuck in an `await`
 * cannot be forced, CONTRACT rule 1), so until it lets go the leak checker reports it.
 *
 * @example
 * pipe(jobs, supervise(() => map(callFlakyService), { timeout: 5_000, maxRestarts: 5, backoff: (n) => 100 * 2 ** n }));
 */
export function supervise<I, O>(
  stageFactory: () => Stage<I, O>,
  options: SuperviseOptions = {},
): Stage<I, O> {
  assertFunction('stageFactory', stageFactory);
  assertOptions('options', options);
  const { timeout = Infinity, maxRestarts = 3, backoff = 0 } = options;
  assertDuration('timeout', timeout, true);
  assertCount('maxRestarts', maxRestarts, 0, true);
  if (typeof backoff !== 'function') assertDuration('backoff', backoff);
  const delayFor = (restart: number): number => {
    const ms = typeof backoff === 'function' ? backoff(restart) : backoff;
    assertDuration(`backoff(${restart})`, ms);
    return ms;
  };
  const settings = { stageFactory, timeout, maxRestarts, delayFor };
  return implStage((source, { signal }) => supervised(source, signal, settings));
}

async function* supervised<I, O>(
  source: AsyncIterable<I>,
  signal: AbortSignal,
  { stageFactory, timeout, maxRestarts, delayFor }: Settings<I, O>,
): AsyncGenerator<O> {
  const shared = new SharedSource(source, signal, 'supervise');
  let threw = false;
  try {
    for (let restarts = 0; ;) {
      const stage = stageFactory();
      if (typeof stage !== 'function') {
        throw new TypeError(`Expected \`stageFactory\` to return a stage, got ${describe(stage)}`);
      }
      // The child's pipeline stops with ours (one listener on `signal`) or when we return it.
      // A stalled child is aborted (not returned): a stage stuck for good is let go of at once.
      const stall = new AbortController();
      const child = pipe(pipe(shared.view(restarts > 0), { signal }), stage, { signal: stall.signal })[
        Symbol.asyncIterator
      ]();
      let failure: unknown;
      let stalled = false;
      try {
        for (;;) {
          const result = await nextWithin(child, shared, timeout);
          if (result === STALLED) {
            stalled = true;
            failure = new TimeoutError(`supervise: the stage yielded nothing for ${timeout} ms`);
            break;
          }
          if (result.done) return;
          shared.answered();
          restarts = 0;
          yield result.value;
        }
      } catch (error) {
        failure = error;
      } finally {
        // A stalled stage may be stuck for good: its signal aborts now, and it is let go.
        if (stalled) {
          stall.abort(failure);
          ignoreRejection(child.return!());
        } else await child.return!().catch(() => undefined);
      }
      threw = true;
      if (signal.aborted) throw signal.reason;
      if (shared.failed) throw shared.failed.error;
      if (restarts >= maxRestarts) throw failure;
      threw = false;
      restarts++;
      const pause = delayFor(restarts);
      if (CHANNELS.superviseRestart.hasSubscribers) {
        CHANNELS.superviseRestart.publish({ restart: restarts, error: failure, stalled, delayMs: pause });
      }
      if (pause > 0) {
        threw = true;
        await after(pause, { signal });
        threw = false;
      }
    }
  } finally {
    const closeError = await shared.close(signal.aborted && !isGracefulStop(signal));
    // An error from the source's return() reaches the consumer when nothing else is on its way;
    // on a `return()` a generator's finally is the only place that can say so.
    // eslint-disable-next-line no-unsafe-finally
    if (closeError && !threw) throw closeError.error;
  }
}

/** The child's next value, or STALLED once the stall clock (paused while it reads) runs out. */
function nextWithin<O>(
  child: AsyncIterator<O>,
  shared: SharedSource<any>,
  timeout: number,
): Promise<IteratorResult<O> | typeof STALLED> {
  if (timeout === Infinity) return child.next();
  return new Promise((resolve, reject) => {
    let timer: Timer | undefined;
    let finished = false;
    const stop = (): void => {
      clearTimer(timer);
      timer = undefined;
    };
    const start = (): void => {
      stop();
      timer = setTimer(() => finish(() => resolve(STALLED)), timeout, `supervise timeout(${timeout})`);
    };
    const hook = (reading: boolean): void => (reading ? stop() : start());
    function finish(settle: () => void): void {
      if (finished) return;
      finished = true;
      stop();
      if (shared.onRead === hook) shared.onRead = undefined;
      settle();
    }
    // Hooked and armed before next(): the child may start reading synchronously.
    shared.onRead = hook;
    start();
    child.next().then(
      (result) => finish(() => resolve(result)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
