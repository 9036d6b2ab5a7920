import { DROP, DROP_WHILE, FILTER, MAP, SCAN, TAKE, TAKE_WHILE, TAP, type Op } from './ops.js';
import { callLeased, NO_LEASE, type Carried } from './lease.js';
import { STAGE_SPEC, stageSpec, type StageSpec } from './stage-spec.js';
import type { CallbackContext, Stage } from './types.js';

type Fn = (value: any, context: CallbackContext) => unknown;

/**
 * The stages of a pipeline that carries leases (`ack: 'auto'`), rebuilt over `Carried` values:
 * fused ops are rewritten here, sluice's other stages give their own variant (`leased` in their
 * spec). A stage that has none, a foreign stage above all, cannot say which output came from which
 * message, so it is refused when the pipeline is built rather than acknowledging too early.
 * `first` is the position of `stages[0]` among the stages given to `pipe` (1-based).
 */
export function leaseStages(stages: readonly Stage<any, any>[], first: number): Stage<any, any>[] {
  const out: Stage<any, any>[] = [];
  stages.forEach((stage, i) => {
    const spec = stageSpec(stage);
    if (spec && 'ops' in spec) out.push(specStage({ ops: spec.ops.map(leasedOp) }));
    else if (spec && 'leased' in spec && spec.leased !== undefined) out.push(...spec.leased());
    else {
      const name = stage.name ? `\`${stage.name}\`` : 'an anonymous function';
      const kind = spec ? 'a sluice stage that does not carry acknowledgements' : 'a foreign stage';
      throw new TypeError(
        `Expected every stage of a pipeline over a source with \`ack: 'auto'\` to carry acknowledgements, ` +
          `got ${name} (${kind}) at position ${first + i}; use \`ack: 'manual'\` and call \`message.ack()\` yourself`,
      );
    }
  });
  return out;
}

/**
 * The signal of a `takeUntil(signal)` placed right after a source that carries leases: the pipeline
 * opens the source with it as its drain, so the source stops reading but hands over what it read
 * (ending the stream there would leave those messages pending on this consumer).
 */
export function drainOf(stage: Stage<any, any> | undefined): AbortSignal | undefined {
  const spec = stageSpec(stage);
  return spec && 'impl' in spec ? spec.drain : undefined;
}

function specStage(spec: StageSpec): Stage<any, any> {
  const stage = (() => {
    throw new TypeError('A leased stage runs only inside its pipeline');
  }) as unknown as Stage<any, any>;
  (stage as unknown as { [STAGE_SPEC]: StageSpec })[STAGE_SPEC] = spec;
  return stage;
}

function leasedOp(op: Op): Op {
  const fn = op.fn as Fn;
  switch (op.kind) {
    case MAP:
      return {
        kind: MAP,
        fn: (c: Carried<unknown>, context: CallbackContext) =>
          callLeased(fn, c, context, (value) => ({ value, lease: c.lease })),
      };
    case TAP:
      return {
        kind: TAP,
        fn: (c: Carried<unknown>, context: CallbackContext) => callLeased(fn, c, context, () => undefined),
      };
    // An item a filter drops, or takeWhile ends on, is done with: its message is acknowledged.
    case FILTER:
    case TAKE_WHILE:
      return {
        kind: op.kind,
        fn: (c: Carried<unknown>, context: CallbackContext) =>
          callLeased(fn, c, context, (keep) => (keep ? true : (c.lease.release(), false))),
      };
    case DROP_WHILE:
      return {
        kind: DROP_WHILE,
        fn: (c: Carried<unknown>, context: CallbackContext) =>
          callLeased(fn, c, context, (skip) => (skip ? (c.lease.release(), true) : false)),
      };
    case DROP: {
      // As a dropWhile on the call index, so the items dropped are known and released.
      const count = op.count!;
      return {
        kind: DROP_WHILE,
        fn: (c: Carried<unknown>, { index }: CallbackContext) =>
          index < count ? (c.lease.release(), true) : false,
      };
    }
    case SCAN: {
      const scanFn = op.fn as (acc: unknown, value: unknown, context: CallbackContext) => unknown;
      return {
        kind: SCAN,
        seed: { value: op.seed, lease: NO_LEASE },
        fn: (acc: Carried<unknown>, c: Carried<unknown>, context: CallbackContext) =>
          callLeased(
            (value: unknown, ctx) => scanFn(acc.value, value, ctx),
            c,
            context,
            (value) => ({ value, lease: c.lease }),
          ),
      };
    }
    case TAKE:
      return op;
  }
}
