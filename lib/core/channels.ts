import { channel } from 'node:diagnostics_channel';

/**
 * The `node:diagnostics_channel` channels sluice publishes on. Every publisher checks
 * `hasSubscribers` first, so with nobody subscribed no message is built and nothing is published.
 */
export const CHANNELS = {
  /** A pipeline started running (its first `next()`): `{ id, stages, builtAt }`. */
  open: channel('sluice:pipeline:open'),
  /** A pipeline ended: `{ id, outcome: 'done' | 'break' | 'abort' | 'error', error?, reason?, elapsedMs }`. */
  close: channel('sluice:pipeline:close'),
  /** A stage or one of its callbacks failed: `{ id, name, position, error }`, once per error. */
  stageError: channel('sluice:stage:error'),
  /** `supervise` restarts its stage: `{ restart, error, stalled, delayMs }` (`restart`: 1, 2… in a row). */
  superviseRestart: channel('sluice:supervise:restart'),
} as const;
