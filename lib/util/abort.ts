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

/** The reason sluice aborts a pipeline's own signal with when the consumer stops reading. */
export function consumerStopped(): DOMException {
  return new DOMException('The consumer stopped reading the pipeline', 'AbortError');
}
