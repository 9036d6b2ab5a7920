import { release, track } from './registry.js';

/**
 * Adds a one-shot abort listener and returns its removal. Every listener sluice adds goes through
 * here, so the leak checker sees any that a code path forgot to remove.
 */
export function onAbort(signal: AbortSignal, listener: () => void, label = 'abort listener'): () => void {
  const resource = track('listener', label);
  const handle = (): void => {
    release(resource);
    listener();
  };
  signal.addEventListener('abort', handle, { once: true });
  return () => {
    release(resource);
    signal.removeEventListener('abort', handle);
  };
}

/**
 * One reason for every stop that is not an abort: building a `DOMException` captures a stack, which
 * cost a pipeline's run more than the rest of its set-up, and its stack would only ever point here.
 */
const CONSUMER_STOPPED = Object.freeze(
  new DOMException('The consumer stopped reading the pipeline', 'AbortError'),
);

/** The reason sluice aborts a pipeline's own signal with when the consumer stops reading. */
export function consumerStopped(): DOMException {
  return CONSUMER_STOPPED;
}

/** Signals aborted because their reader stopped (break, end, an error), not by a real abort. */
const graceful = new WeakSet<AbortSignal>();

/**
 * Aborts the signal a stage gave its upstream. A stop that is not an abort (the reader's `break`,
 * its end, its error) is marked so the upstream stops as a `return()` would — awaiting an idle
 * source's `return()` — while a real abort lets go of every source at once (CONTRACT rule 2).
 */
export function stopUpstream(controller: AbortController, reason: unknown, hard: boolean): void {
  if (controller.signal.aborted) return;
  if (!hard) graceful.add(controller.signal);
  controller.abort(reason);
}

/** Whether an aborted signal was stopped by `stopUpstream` without being a real abort. */
export function isGracefulStop(signal: AbortSignal): boolean {
  return graceful.has(signal);
}
