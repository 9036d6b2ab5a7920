import type { Received } from './channel-waiters.js';
import type { Operation, OPERATION } from './hand-over.js';

/** A `select` case made by `channel.receiving()`: wins with what `receive` would resolve. */
export interface ReceiveCase<T> {
  readonly kind: 'receive';
  readonly [OPERATION]: Operation<Received<T>>;
}

/** A `select` case made by `channel.sending(value)`: wins once the value is taken or buffered. */
export interface SendCase<T> {
  readonly kind: 'send';
  readonly value: T;
  readonly [OPERATION]: Operation<{ value: undefined; ok: true }>;
}
