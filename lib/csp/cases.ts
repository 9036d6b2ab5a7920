import { CaseReceiver, CaseSender, type Received, type Sender } from './channel-waiters.js';
import { OPERATION, type Operation, type Receiver, type WaiterQueue } from './hand-over.js';

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

/** A receive case that enlists a `CaseReceiver` in `receivers` when it must wait. */
export function receiveCase<T>(
  ready: () => boolean,
  poll: () => Received<T> | undefined,
  receivers: WaiterQueue<Receiver<T>>,
): ReceiveCase<T> {
  const wait: Operation<Received<T>>['wait'] = (claim, settle) => {
    const waiter = new CaseReceiver<T>(claim, settle);
    receivers.push(waiter);
    return () => receivers.remove(waiter);
  };
  return { kind: 'receive', [OPERATION]: { ready, poll, wait } };
}

/** A send case of `value` that enlists a `CaseSender` in `senders` when it must wait. */
export function sendCase<T>(
  value: T,
  ready: () => boolean,
  poll: () => { value: undefined; ok: true } | undefined,
  senders: WaiterQueue<Sender<T>>,
): SendCase<T> {
  const wait: Operation<{ value: undefined; ok: true }>['wait'] = (claim, settle) => {
    const waiter = new CaseSender<T>(claim, value, settle);
    senders.push(waiter);
    return () => senders.remove(waiter);
  };
  return { kind: 'send', value, [OPERATION]: { ready, poll, wait } };
}
