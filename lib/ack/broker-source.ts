import { OWN } from '../core/brand.js';
import { LEASED, type Carried, type Lease, type LeaseSource } from '../core/lease.js';
import { BrokerIterator } from './broker-iterator.js';
import type { BrokerIteratorOptions } from './reader.js';
import { MessageLease, type Message } from './message.js';

/** How a broker source acknowledges. */
export type AckMode = 'manual' | 'auto';

type Options<T> = Omit<BrokerIteratorOptions<T>, 'signals' | 'nakAll' | 'drains' | 'over'> & {
  readonly drain: AbortSignal | undefined;
  readonly signal: AbortSignal | undefined;
  readonly retryDelay: number | undefined;
};

/** `ack: 'manual'`: the source yields messages, and the user settles each. */
export function manualSource<T>(options: Options<T>): AsyncIterable<Message<T>> {
  return {
    [Symbol.asyncIterator]: (signal?: AbortSignal) =>
      new BrokerIterator({
        ...options,
        drains: [options.drain],
        nakAll: false,
        signals: [options.signal, signal],
      }),
  };
}

/**
 * `ack: 'auto'`: the source yields values. Inside `pipe`, each travels with its message's lease and
 * is acknowledged when the pipeline is done with it; read directly by a `for await`, a value is
 * done when the loop asks for the next one.
 */
export function autoSource<T>(options: Options<T>): LeaseSource<T> {
  const open = (signal?: AbortSignal, drain?: AbortSignal, over?: AbortSignal): AsyncIterator<Carried<T>> => {
    const drains = [options.drain, drain];
    const messages = new BrokerIterator({
      ...options,
      drains,
      nakAll: true,
      signals: [options.signal, signal],
      over,
    });
    return {
      [OWN]: true,
      next: () =>
        messages.next().then((result): IteratorResult<Carried<T>> => {
          if (result.done) return result;
          const message = result.value;
          return {
            done: false,
            value: { value: message.value, lease: new MessageLease(message, options.retryDelay) },
          };
        }),
      return: () => messages.return() as Promise<IteratorResult<Carried<T>>>,
    } as AsyncIterator<Carried<T>>;
  };
  return {
    [LEASED]: open,
    [Symbol.asyncIterator]: (signal?: AbortSignal) => releasingOnNext(open(signal)),
  };
}

/** Values of carried ones, each lease released when the reader asks for the next value. */
function releasingOnNext<T>(carried: AsyncIterator<Carried<T>>): AsyncIterator<T> {
  let held: Lease | undefined;
  return {
    [OWN]: true,
    next: () => {
      held?.release();
      held = undefined;
      return carried.next().then((result): IteratorResult<T> => {
        if (result.done) return result;
        held = result.value.lease;
        return { done: false, value: result.value.value };
      });
    },
    return: () => {
      held = undefined;
      return carried.return!() as Promise<IteratorResult<T>>;
    },
  } as AsyncIterator<T>;
}
