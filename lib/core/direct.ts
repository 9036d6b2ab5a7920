import { stopUpstream } from '../util/abort.js';
import { reasonOf } from './outcome.js';
import type { Outlet } from './outlet.js';

/**
 * When nothing is fused after a pipeline's last engine, the engine's outlet serves the reader
 * itself: a relay segment there would cost a hop per item, and its set-up on every run. What that
 * segment did is kept. The engine listens to the user's signal itself (from its first demand to
 * its end, as a segment would), or, with none, to `own`. `own` (the signal the stages before it,
 * or the engine itself, were given) is aborted as the engine ends, however it ends.
 */
export function serveDirectly<T>(
  outlet: Outlet<T>,
  own: AbortController | undefined,
  builtAt: string | undefined,
): Outlet<T> {
  outlet.builtAt ??= builtAt;
  if (own !== undefined)
    outlet.onEnded = (outcome) => stopUpstream(own, reasonOf(outcome), outcome.kind === 'abort');
  return outlet;
}
