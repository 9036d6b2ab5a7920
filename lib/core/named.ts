import { describe, assertFunction } from '../util/validate.js';
import { STAGE_SPEC, stageSpec } from './stage-spec.js';
import type { Stage } from './types.js';

const NAME = Symbol.for('sluice.stageName');

/**
 * Labels a stage — one of sluice's, an ix operator, any function of the stage shape — with the
 * name a meter, a dump, a diagnostics message and a leak report call it by. Without one a stage is
 * called by its operator's name (`map`, `parallelMap`, `batch`…) and its position. The stage is
 * unchanged otherwise: a named `map` still runs fused with its neighbours.
 *
 * @example
 * const meter = new Meter();
 * const out = pipe(range(0, 10), named('square', map((n: number) => n * n)), { meter });
 * await drain(out);
 * console.log(meter.snapshot().stages[1].name); // 'square'
 */
export function named<I, O>(name: string, stage: Stage<I, O>): Stage<I, O> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`Expected \`name\` to be a non-empty string, got ${describe(name)}`);
  }
  assertFunction('stage', stage);
  const wrapper = ((source, context) => stage(source, context)) as Stage<I, O>;
  const spec = stageSpec(stage);
  if (spec !== undefined) (wrapper as unknown as { [STAGE_SPEC]: unknown })[STAGE_SPEC] = spec;
  (wrapper as unknown as { [NAME]: string })[NAME] = name;
  return wrapper;
}

/** The name `named` gave a stage, if any. */
export function nameOf(stage: unknown): string | undefined {
  return typeof stage === 'function' ? (stage as { [NAME]?: string })[NAME] : undefined;
}
