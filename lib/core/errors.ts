import { describe } from '../util/validate.js';

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

/**
 * The error `retry` rejects with once it gives up: `cause` is the last error, `attempts` the tries made.
 *
 * @example
 * const body = await retry((signal) => fetchJson(url, signal), { retries: 3 }).catch((error) => {
 *   if (error instanceof RetryError) console.error(`gave up after ${error.attempts} tries`, error.cause);
 *   throw error;
 * });
 */
export class RetryError extends Error {
  override readonly name = 'RetryError';
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
  ) {
    super(`Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${messageOf(cause)}`, { cause });
  }
}

/** What a thrown value says, without throwing: `Object.create(null)` has no `toString`. */
function messageOf(cause: unknown): string {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return describe(cause);
  }
}

/**
 * A push source (`fromEvents` with `overflow: 'error'`) received more events than its `capacity`
 * while nobody read them: the stream fails rather than lose an event or grow without bound.
 *
 * @example
 * for await (const message of fromEvents(socket, 'message', { capacity: 256 })) handle(message);
 * // rejects with OverflowError if more than 256 messages pile up unread
 */
export class OverflowError extends Error {
  override readonly name = 'OverflowError';
  constructor(readonly capacity: number) {
    super(`More than ${capacity} values waited unread (capacity ${capacity})`);
  }
}

/**
 * `split`'s `by` sent an item to an output that had already been returned.
 *
 * @example
 * const [evens, odds] = split(range(0, 10), 2, { by: (n) => n % 2 });
 * await odds.return();
 * await collect(evens).catch((error) => error instanceof OrphanError && console.log(error.value));
 */
export class OrphanError extends Error {
  override readonly name = 'OrphanError';
  constructor(
    readonly value: unknown,
    readonly output: number,
  ) {
    super(`split: item ${describe(value)} was routed to output ${output}, which has already been returned`);
  }
}
