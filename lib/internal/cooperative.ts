/**
 * Marks sources that sluice wrote itself and that settle a pending next() at once when the
 * signal given to `[Symbol.asyncIterator](signal)` aborts, so a pipeline may wait for them
 * instead of abandoning them as it must a foreign source.
 */
export const COOPERATIVE = Symbol('sluice.cooperative');

export function isCooperative(source: unknown): boolean {
  return (source as { [COOPERATIVE]?: boolean } | null)?.[COOPERATIVE] === true;
}
