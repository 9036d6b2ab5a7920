import { isMeter, type Meter } from '../core/meter.js';
import type { MeterSnapshot } from '../core/meter-snapshot.js';
import { clearTimer, setTimer, type Timer } from '../util/timers.js';
import { assertOptions, assertPositiveDuration, assertSignal, describe } from '../util/validate.js';
import { liveTable, summaryLine } from './watch-view.js';

/** Where `watch` writes: `process.stderr`, or anything with `write` (and `isTTY` for a live table). */
export interface WatchOutput {
  /** Writes `text` as it is (it ends with a newline). */
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Options of `watch`. */
export interface WatchOptions {
  /** Milliseconds between two redraws (or two summary lines). @default 500 */
  interval?: number | undefined;
  /** Where the view is written. @default process.stderr */
  output?: WatchOutput | undefined;
  /** Stops the view (and prints the final table) when it aborts. */
  signal?: AbortSignal | undefined;
}

/**
 * A running `watch`: stop it by hand, or await it (or its `done`): it settles once it has stopped,
 * by itself when the pipeline ends, and the final table is written.
 */
export interface Watcher extends Disposable, PromiseLike<void> {
  /** Stops the view and prints the final table; harmless once stopped. */
  stop(): void;
  /** Settles once the view has stopped and the final table is written. */
  readonly done: Promise<void>;
}

/**
 * Shows a metered pipeline live on `output`. On a TTY it redraws a table in place every `interval`
 * ms: per stage its items/s, a bar of its time busy / waiting upstream / waiting downstream over
 * the last interval, its queue depth and state, the bottleneck marked. Elsewhere (a log, CI) it
 * writes one summary line per interval. It stops by itself when the pipeline ends (however it
 * ends), when `signal` aborts, or on `stop()`, and then writes the final table (`meter.format()`).
 * Its timer never keeps the process alive and runs on `sluice/testing`'s test clock.
 *
 * @example
 * const meter = new Meter();
 * const watcher = watch(meter, { interval: 1000 });
 * await drain(pipe(lines(file), map(parse), parallelMap(enrich, { concurrency: 8 }), { meter }));
 * await watcher; // it stopped with the pipeline; the final table is written
 */
export function watch(meter: Meter, options: WatchOptions = {}): Watcher {
  if (!isMeter(meter))
    throw new TypeError(`Expected \`meter\` to be a Meter (new Meter()), got ${describe(meter)}`);
  assertOptions('options', options);
  const { interval = 500, output = process.stderr, signal } = options;
  assertPositiveDuration('interval', interval);
  if (output === null || typeof output !== 'object' || typeof output.write !== 'function') {
    throw new TypeError(`Expected \`output\` to have a write() method, got ${describe(output)}`);
  }
  assertSignal('signal', signal);
  const tty = output.isTTY === true;
  let previous: MeterSnapshot | undefined;
  let drawn = 0; // lines of the last live table, redrawn in place
  let timer: Timer | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let stopped = false;

  const draw = (): void => {
    const snapshot = meter.snapshot();
    if (snapshot.stages.length === 0) return; // not started yet
    const text = tty ? liveTable(snapshot, previous) : summaryLine(snapshot, previous);
    const erase = tty && drawn > 0 ? `\x1b[${drawn}A\x1b[J` : '';
    output.write(`${erase}${text}\n`);
    drawn = tty ? text.split('\n').length : 0;
    previous = snapshot;
  };

  const tick = (): void => {
    draw();
    schedule();
  };

  const schedule = (): void => {
    timer = setTimer(tick, interval, 'watch');
    (timer.handle as { unref?: () => void } | undefined)?.unref?.();
  };

  const onAbort = (): void => stop();
  const removeEnd = meter.onEnd(() => stop());
  signal?.addEventListener('abort', onAbort, { once: true });

  function stop(): void {
    if (stopped) return;
    stopped = true;
    try {
      clearTimer(timer);
      timer = undefined;
      removeEnd();
      signal?.removeEventListener('abort', onAbort);
      const erase = tty && drawn > 0 ? `\x1b[${drawn}A\x1b[J` : '';
      output.write(`${erase}${meter.format()}\n`);
    } finally {
      finish();
    }
  }

  if (signal?.aborted || meter.ended) stop();
  else schedule();
  return { stop, done, then: (onDone, onFailed) => done.then(onDone, onFailed), [Symbol.dispose]: stop };
}
