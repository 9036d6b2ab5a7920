/** Sending on, or closing, a channel that is already closed (Go panics here). */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  constructor(message = 'The channel is closed') {
    super(message);
  }
}

/** A call or a wait took longer than its `timeout`. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(message: string) {
    super(message);
  }
}
