import { dumpWords } from '../core/dump-words.js';
import { openPipelines, type LivePipeline } from '../core/run-view.js';
import { describe } from '../util/validate.js';
import type { WatchOutput } from './watch.js';

/**
 * Every pipeline still open — started by a first `next()` and not ended — oldest first, each with
 * its stages' states, the item a callback is working on, and a pending `next()` on its source.
 * Costs nothing until asked: open pipelines are kept in a set (an add and a delete per run), and
 * their state is read from the stages themselves when this is called. Times in state are exact for
 * metered pipelines, and for every pipeline with `SLUICE_TRACE=1` or `captureStacks: true` (which
 * also record where your code built it).
 *
 * @example
 * const stuck = pipe(fromEvents(emitter, 'data'), map((x) => x));
 * void stuck[Symbol.asyncIterator]().next();
 * console.log(livePipelines()[0].stages[0].state); // 'waiting-upstream'
 */
export function livePipelines(): LivePipeline[] {
  return openPipelines();
}

/**
 * `livePipelines()` as text, in the words the leak checker of `sluice/testing` uses: a line per
 * stage with its state, for how long, and what it waits on.
 *
 * @example
 * console.error(dumpPipelines());
 * // sluice: 1 pipeline open
 * // pipeline #1, open for 12.0 s, built at src/ingest.ts:42:3
 * //   source at position 0: waiting-upstream for 12.0 s (a next() on the source is pending)
 * //   map at position 1: waiting-upstream for 12.0 s
 */
export function dumpPipelines(): string {
  return dumpWords(openPipelines());
}

/** Options of `dumpOnSignal`. */
export interface DumpOnSignalOptions {
  /** Where the dump is written. @default process.stderr */
  output?: WatchOutput | undefined;
}

const SIGNAL_NAME = /^SIG[A-Z0-9]+$/;

/**
 * Prints `dumpPipelines()` to `output` each time the process receives `signal` (Go prints its
 * goroutines on SIGQUIT); returns a disposer that removes the listener. The listener does not keep
 * the process alive, and while it is installed the signal no longer ends the process.
 *
 * @example
 * const stop = dumpOnSignal('SIGUSR2'); // then: kill -USR2 <pid>
 * // …
 * stop();
 */
export function dumpOnSignal(
  signal: NodeJS.Signals = 'SIGUSR2',
  { output = process.stderr }: DumpOnSignalOptions = {},
): () => void {
  if (typeof signal !== 'string' || !SIGNAL_NAME.test(signal)) {
    throw new TypeError(
      `Expected \`signal\` to be a signal name such as 'SIGUSR2', got ${JSON.stringify(signal)}`,
    );
  }
  if (typeof output?.write !== 'function') {
    throw new TypeError(`Expected \`output\` to have a write() method, got ${describe(output)}`);
  }
  const onSignal = (): void => void output.write(`${dumpPipelines()}\n`);
  process.on(signal, onSignal);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    process.off(signal, onSignal);
  };
}
