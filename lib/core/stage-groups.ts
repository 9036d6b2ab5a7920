import { OP_NAMES, type Op } from './ops.js';
import { stageSpec } from './stage-spec.js';
import { nameOf } from './named.js';
import { describe } from '../util/validate.js';
import type { Stage } from './types.js';

/**
 * How `pipe` reads its stages: runs of fusable ones grouped into the ops of one segment, each
 * other stage between two, and each named in the user's words.
 */

/** Consecutive fused ops, and the stage that reads them (none for the last group). */
export interface Group {
  ops: Op[];
  /** Where each op stood among the stages given to `pipe`. */
  positions: number[];
  stage?: { fn: Stage<any, any>; position: number };
  /** Each op's name: given by `named`, else its operator's. */
  names: string[];
}

/** Whether the pipeline's last step is an engine with nothing fused after it. */
export function endsInEngine(groups: readonly Group[], open: unknown): boolean {
  const last = groups.length - 1;
  if (groups[last]!.ops.length > 0) return false;
  if (last === 0) return open !== undefined;
  const spec = stageSpec(groups[last - 1]!.stage!.fn);
  return spec !== undefined && 'impl' in spec && spec.engine === true;
}

/** `batch(10)` → `batch`: the operator an engine's label names. */
export function operatorName(label: string): string {
  return /^[\w$]+/.exec(label)?.[0] ?? 'stage';
}

/** An ix operator's function is called `mapOperatorFunction`: `map`. */
export function foreignName(fn: Stage<any, any>): string {
  return fn.name.replace(/OperatorFunction$/, '') || 'stage';
}

/** A segment in the user's words: its operators and where they stand in the `pipe` call. */
export function segmentLabel({ ops, positions, names }: Group, last: boolean): string {
  if (ops.length === 0) return last ? 'pipe' : 'pipe (reading the stage before)';
  return ops.map((_, i) => `${names[i]} at position ${positions[i]}`).join(', ');
}

export function groupStages(stages: readonly Stage<any, any>[]): Group[] {
  const groups: Group[] = [{ ops: [], positions: [], names: [] }];
  stages.forEach((fn, position) => {
    const spec = stageSpec(fn);
    const current = groups[groups.length - 1]!;
    if (spec && 'ops' in spec) {
      current.ops.push(...spec.ops);
      const name = nameOf(fn);
      for (const op of spec.ops) {
        current.positions.push(position + 1);
        current.names.push(name ?? OP_NAMES[op.kind]);
      }
    } else {
      current.stage = { fn, position };
      groups.push({ ops: [], positions: [], names: [] });
    }
  });
  return groups;
}

export function callForeignStage(
  stage: Stage<any, any>,
  input: AsyncIterable<unknown>,
  signal: AbortSignal,
  position: number,
) {
  const output = stage(input, { signal });
  if (
    output === null ||
    typeof output !== 'object' ||
    typeof (output as any)[Symbol.asyncIterator] !== 'function'
  ) {
    throw new TypeError(`Expected stage ${position + 1} to return an AsyncIterable, got ${describe(output)}`);
  }
  return output;
}
