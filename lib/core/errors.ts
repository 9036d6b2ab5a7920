/**
 * Sending on, or closing, a channel that is already closed (Go panics here).
 *
 * @example
 * try {
 *   await jobs.send(job);
 * } catch (error) {
 *   if (!(error instanceof ChannelClosedError)) throw error;
 * }
 */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  constructor(message = 'The channel is closed') {
    super(message);
  }
}

/**
 * A call or a wait took longer than its `timeout`.
 *
 * @example
 * const out = pipe(urls, parallelMap(fetchPage, { concurrency: 4, timeout: 5_000 }));
 * await collect(out).catch((error) => error instanceof TimeoutError && console.warn('slow page'));
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(message: string) {
    super(message);
  }
}
