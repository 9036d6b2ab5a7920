import type { Stage, StageContext } from './types.js';
import type { Op } from './ops.js';

/** Marks the stages sluice defines, so `pipe` can fuse or trust them. */
export const STAGE_SPEC = Symbol('sluice.stage');

/** A sluice stage's own implementation: trusted to settle promptly once `signal` aborts. */
export type StageImpl = (source: AsyncIterable<any>, context: StageContext) => AsyncIterable<any>;

/**
 * `engine`: the impl returns one of sluice's engines, whose outlet can serve a reader itself.
 * `leased`: the same stage over `Carried` values (see `lease.ts`), as the stages that replace it
 * in a pipeline that carries acknowledgements; a stage without it is refused there.
 */
export type StageSpec =
  | { readonly ops: readonly Op[] }
  | {
      readonly impl: StageImpl;
      readonly engine?: boolean | undefined;
      readonly leased?: (() => Stage<any, any>[]) | undefined;
      /** `takeUntil(signal)`'s signal: right after a source that carries leases, it drains it. */
      readonly drain?: AbortSignal | undefined;
    };

export function stageSpec(stage: unknown): StageSpec | undefined {
  return typeof stage === 'function' ? (stage as { [STAGE_SPEC]?: StageSpec })[STAGE_SPEC] : undefined;
}
