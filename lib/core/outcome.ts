import { consumerStopped, isGracefulStop } from '../util/abort.js';

/** How a stage ended. `return` is its reader's `return()`, or a stop that is not an abort. */
export type Outcome =
  | { readonly kind: 'end' }
  | { readonly kind: 'return' }
  | { readonly kind: 'abort'; readonly reason: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

export const END: Outcome = Object.freeze({ kind: 'end' });
export const RETURN: Outcome = Object.freeze({ kind: 'return' });

/** A reader that stopped reading (break, end, error) is a `return()`; anything else an abort. */
export function stopOutcome(signal: AbortSignal): Outcome {
  return isGracefulStop(signal) ? RETURN : { kind: 'abort', reason: signal.reason };
}

/** The reason an ending stage aborts the signal of what it started with. */
export function reasonOf(outcome: Outcome): unknown {
  if (outcome.kind === 'abort') return outcome.reason;
  if (outcome.kind === 'error') return outcome.error;
  return consumerStopped();
}

/**
 * What closing a source passes on: only an abort's reason is ever read there, so an ending that is
 * not an abort builds no `DOMException` (one costs microseconds: it captures a stack).
 */
export function abortReason(outcome: Outcome): unknown {
  return outcome.kind === 'abort' ? outcome.reason : undefined;
}
