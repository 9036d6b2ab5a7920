import { assertFunction, assertOneOf, assertSignal, describe } from '../util/validate.js';
import type { AckMode } from './broker-source.js';

/** A name Redis or NATS is given (stream, group, consumer, subject): a non-empty string. */
export function assertName(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`Expected \`${name}\` to be a non-empty string, got ${describe(value)}`);
}

/** The options every broker source shares: `ack`, `retryDelay`, `drain`, `signal`, `decode`. */
export function assertSourceOptions(options: {
  ack?: unknown;
  drain?: unknown;
  signal?: unknown;
  decode?: unknown;
}): void {
  if (options.ack !== undefined) assertOneOf<AckMode>('ack', options.ack, ['manual', 'auto']);
  assertSignal('drain', options.drain);
  assertSignal('signal', options.signal);
  if (options.decode !== undefined) assertFunction('decode', options.decode);
}
