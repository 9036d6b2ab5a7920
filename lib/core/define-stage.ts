import { isOwn, OWN } from './brand.js';
import { pipe } from './pipe.js';
import type { Stage, StageContext } from './types.js';
import type { Op } from './ops.js';
import type { Outlet } from './outlet.js';
import { STAGE_SPEC, type StageImpl, type StageSpec } from './stage-spec.js';

/**
 * Makes a sluice stage. Inside `pipe` its spec is used directly (fused ops, or a trusted impl fed
 * by a contract-keeping edge); called on its own, `stage(source, { signal })`, it runs as a
 * one-stage pipeline so it keeps the same contract.
 */
function defineStage<I, O>(spec: StageSpec): Stage<I, O> {
  const stage = (source: AsyncIterable<I>, context?: StageContext): AsyncIterable<O> =>
    pipe(source, stage, { signal: context?.signal });
  (stage as unknown as { [STAGE_SPEC]: StageSpec })[STAGE_SPEC] = spec; // cheaper than defineProperty, per stage built
  return stage;
}

export function fusedStage<I, O>(op: Op): Stage<I, O> {
  return defineStage({ ops: [op] });
}

/**
 * A stage sluice implements itself. What it returns is marked as sluice's own: it honours the
 * signal it is given, so the stage reading it may wait for its `return()`.
 */
export function implStage<I, O>(
  impl: StageImpl,
  leased?: () => Stage<any, any>[],
  drain?: AbortSignal,
): Stage<I, O> {
  return defineStage({
    leased,
    drain,
    impl: (source, context) => {
      const output = impl(source, context);
      if (!isOwn(output)) Object.defineProperty(output, OWN, { value: true });
      return output;
    },
  });
}

/**
 * A stage that is one of sluice's engines: its outlet keeps the whole protocol, so at the end of a
 * pipeline it serves the reader without a relay segment (see `direct.ts`).
 */
export function engineStage<I, O>(
  impl: (source: AsyncIterable<any>, context: StageContext) => Outlet<any>,
  leased?: () => Stage<any, any>[],
  drain?: AbortSignal,
): Stage<I, O> {
  return defineStage({ impl, engine: true, leased, drain });
}
