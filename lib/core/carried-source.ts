import { LEASED, type LeaseSource } from './lease.js';

/** The `Carried` values of a source that carries leases, as the source of a pipeline. */
export function carriedValues(
  source: LeaseSource<unknown>,
  drain: AbortSignal | undefined,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]: (signal?: AbortSignal, over?: AbortSignal) => source[LEASED](signal, drain, over),
  } as AsyncIterable<unknown>;
}

/**
 * One run's source of a pipeline that carries leases, told by `over` when the run has ended (see
 * `LeaseSource`): what the run's stages still hold after its first segment stopped is theirs.
 */
export function carriedRun(source: AsyncIterable<unknown>, over: AbortSignal): AsyncIterable<unknown> {
  const open = (source as { [Symbol.asyncIterator](signal?: AbortSignal, over?: AbortSignal): unknown })[
    Symbol.asyncIterator
  ];
  return {
    [Symbol.asyncIterator]: (signal?: AbortSignal) => open.call(source, signal, over),
  } as AsyncIterable<unknown>;
}
