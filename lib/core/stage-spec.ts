import type { StageContext } from './types.js';
import type { Op } from './ops.js';

/** Marks the stages sluice defines, so `pipe` can fuse or trust them. */
export const STAGE_SPEC = Symbol('sluice.stage');

/** A sluice stage's own implementation: trusted to settle promptly once `signal` aborts. */
export type StageImpl = (source: AsyncIterable<any>, context: StageContext) => AsyncIterable<any>;

/** `engine`: the impl returns one of sluice's engines, whose outlet can serve a reader itself. */
export type StageSpec =
  { readonly ops: readonly Op[] } | { readonly impl: StageImpl; readonly engine?: boolean | undefined };

export function stageSpec(stage: unknown): StageSpec | undefined {
  return typeof stage === 'function' ? (stage as { [STAGE_SPEC]?: StageSpec })[STAGE_SPEC] : undefined;
}
