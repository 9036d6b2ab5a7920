import { onAbort } from '../util/abort.js';
import type { Op } from './ops.js';
import type { PipelineRun } from './pipeline-run.js';
import { stopOutcome, type Outcome } from './outcome.js';

export const IDLE = 0; // waiting for demand
export const PULLING = 1; // the inlet asks the upstream
export const CALLING = 2; // a fused callback runs, or its promise is pending
export const CLOSING = 3;
export const CLOSED = 4;

export interface SegmentOptions {
  /** Fused synchronous-capable stages applied to every upstream value, in order. */
  ops: readonly Op[];
  /**
   * The controller of this segment's upstream and callbacks: its signal is given to the upstream
   * when it opens and is the parent of every callback's signal; aborted when the segment ends.
   * Left out, it is made only if something reads its signal (an AbortController costs microseconds).
   */
  owned?: AbortController | undefined;
  /** Signals whose abort stops this segment (its reader's, or the user's); one listener each. */
  stopSignals: readonly AbortSignal[];
  label: string;
  /** The run this segment belongs to: told of a failure here or in the stage before. */
  run?: PipelineRun | undefined;
  /** Set on the last segment: it opens the run on its first demand and ends it. */
  final?: PipelineRun | undefined;
}

export const NO_REMOVALS: readonly (() => void)[] = Object.freeze([]);

/**
 * A segment's first demand: undefined (and `close` called) if a stop signal is already aborted, so
 * the source is never touched; else one abort listener on each, and their removals.
 */
export function listenToStops(
  signals: readonly AbortSignal[],
  label: string,
  close: (outcome: Outcome) => void,
): readonly (() => void)[] | undefined {
  if (signals.length === 0) return NO_REMOVALS;
  const aborted = signals.find((signal) => signal.aborted);
  if (aborted !== undefined) {
    close({ kind: 'abort', reason: aborted.reason });
    return undefined;
  }
  return signals.map((signal) => onAbort(signal, () => close(stopOutcome(signal)), label));
}
