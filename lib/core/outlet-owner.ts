import type { Outcome } from './outcome.js';

/** The engine behind an outlet. */
export interface OutletOwner {
  /** A reader waits: start work unless some is under way. Never called from inside `push`. */
  demand(): void;
  /** The reader called `return()` (or, with `abort`, was aborted): stop, and `end` the outlet first. */
  stop(abort?: { reason: unknown }): Promise<void>;
}

/** A pipeline's last engine serving its reader is watched for the run's start and end. */
export type OutletWatcher = {
  opened(): void;
  ended(outcome: Outcome, closeError?: { error: unknown }): void;
};
