import { ownSource } from './brand.js';
import type { Outlet } from './outlet.js';

/** How `pipe` opens a source that is one engine: its outlet, given the signal that stops it. */
export const OPEN_ENGINE = Symbol('sluice.openEngine');

type OpenEngine<T> = (signal: AbortSignal) => Outlet<T>;

/**
 * A source that is one of sluice's engines (merge, concat, zip). Read by a stage, it is an own
 * source like any other; as a whole pipeline, `pipe` serves its outlet to the reader directly.
 */
export function engineSource<T>(open: OpenEngine<T>): AsyncIterable<T> {
  const source = ownSource(open) as AsyncIterable<T> & { [OPEN_ENGINE]?: OpenEngine<T> };
  source[OPEN_ENGINE] = open;
  return source;
}

export function openerOf(source: AsyncIterable<unknown>): OpenEngine<unknown> | undefined {
  return (source as { [OPEN_ENGINE]?: OpenEngine<unknown> })[OPEN_ENGINE];
}
