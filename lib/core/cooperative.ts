/**
 * Marks sources that sluice wrote itself and that settle a pending next() at once when the
 * signal given to `[Symbol.asyncIterator](signal)` aborts, so a pipeline may wait for them
 * instead of abandoning them as it must a foreign source.
 */
export const COOPERATIVE = Symbol('sluice.cooperative');

export function isCooperative(source: unknown): boolean {
  return (source as { [COOPERATIVE]?: boolean } | null)?.[COOPERATIVE] === true;
}

/** A source sluice writes itself: it is handed the pipeline's signal when iteration starts. */
export function cooperativeSource<T>(open: (signal: AbortSignal) => AsyncIterator<T>): AsyncIterable<T> {
  return {
    [COOPERATIVE]: true,
    // Iterated outside a pipeline, it gets a signal that never aborts: return() still ends it.
    [Symbol.asyncIterator]: (signal?: AbortSignal) => open(signal ?? new AbortController().signal),
  } as AsyncIterable<T>;
}

/**
 * An optional method of sluice's own iterators: the next value if one is ready now, or undefined.
 * A `Segment` reading such an iterator takes ready values without a promise round trip each.
 */
export const TRY_NEXT = Symbol('sluice.tryNext');

export interface TryNext<T> {
  [TRY_NEXT](): IteratorYieldResult<T> | undefined;
}

/**
 * An optional method of sluice's own iterators: next() without the promise. The reader passes its
 * handlers straight in and one of them is called once, maybe synchronously, with what next()
 * would have settled with. It saves a promise and a microtask per item between sluice's stages.
 */
export const REQUEST = Symbol('sluice.request');

export interface Requestable<T> {
  [REQUEST](resolve: (result: IteratorResult<T>) => void, reject: (error: unknown) => void): void;
}
