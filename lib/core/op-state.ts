import type { CallContext } from '../util/call-signals.js';
import { DROP, DROP_WHILE, FILTER, MAP, SCAN, TAKE, TAKE_WHILE, type Op } from './ops.js';

/** What `step` or `settled` answer when the value goes no further (filtered or dropped). */
export const SKIP: unique symbol = Symbol('skip');
/** What `step` answers when the op calls its callback on the value. */
export const CALL: unique symbol = Symbol('call');

/**
 * The per-pipeline state of a run of fused ops (a stage object may serve many pipelines, so its
 * counts and accumulators live here): how many values each op saw, `scan`'s accumulators,
 * whether `take` or `takeWhile` ended the run.
 */
export class OpState {
  private readonly counters: number[];
  private readonly accs: unknown[];
  /** `take` let its last value through, or `takeWhile` refused one: end at the next demand. */
  reached: boolean;

  constructor(private readonly ops: readonly Op[]) {
    // Built by push, so every run's arrays have the same elements kind: `Array.prototype.map` makes
    // holey arrays until it is optimised and packed ones after, and that switch deoptimised `run`.
    const counters: number[] = [];
    const accs: unknown[] = [];
    let reached = false;
    for (const op of ops) {
      counters.push(0);
      accs.push(op.seed);
      if (op.kind === TAKE && op.count === 0) reached = true;
    }
    this.counters = counters;
    this.accs = accs;
    this.reached = reached;
  }

  /** Before op `i` sees `value`: the value to go on with, SKIP, or CALL (then `call` it). */
  step(i: number, value: unknown): unknown {
    const op = this.ops[i];
    switch (op.kind) {
      case TAKE:
        if (++this.counters[i] >= op.count!) this.reached = true;
        return value;
      case DROP:
        if (this.counters[i] >= op.count!) return value;
        this.counters[i]++;
        return SKIP;
      case DROP_WHILE:
        // Done dropping (-1): the callback is not called again.
        return this.counters[i] < 0 ? value : CALL;
      default:
        return CALL;
    }
  }

  /** Calls op `i`'s callback on `value`. */
  call(i: number, value: unknown, context: CallContext): unknown {
    const op = this.ops[i];
    const fn = op.fn as (...args: unknown[]) => unknown;
    return op.kind === SCAN ? fn(this.accs[i], value, context) : fn(value, context);
  }

  /** The index the next call of op `i` is given. */
  nextIndex(i: number): number {
    return this.counters[i]++;
  }

  /** Op `i`'s callback returned `out` for `value`: the value to go on with, or SKIP. */
  settled(i: number, value: unknown, out: unknown): unknown {
    switch (this.ops[i].kind) {
      case MAP:
        return out;
      case SCAN:
        return (this.accs[i] = out);
      case FILTER:
        return out ? value : SKIP;
      case TAKE_WHILE:
        if (out) return value;
        this.reached = true;
        return SKIP;
      case DROP_WHILE:
        if (out) return SKIP;
        this.counters[i] = -1;
        return value;
      default:
        return value;
    }
  }
}
