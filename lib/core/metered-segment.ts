import { Segment } from './segment.js';
import type { SegmentMeter } from './segment-meter.js';
import type { SegmentOptions } from './segment-options.js';
import { CALLING, CLOSING, IDLE, PULLING } from './segment-options.js';
import { CallContext } from '../util/call-signals.js';
import { isThenable } from '../util/deferred.js';
import { now } from '../util/timers.js';
import { CALL, SKIP } from './op-state.js';
import { FILTER, MAP, TAP } from './ops.js';
import type { Callback } from './types.js';

/**
 * A segment of a metered pipeline: each entry from outside (a reader's demand, an item, the end or
 * failure of its source, a callback's result) is timed by its `SegmentMeter`. A pipeline without a
 * meter builds plain `Segment`s, so it pays nothing for this.
 */
export class MeteredSegment<T> extends Segment<T> {
  constructor(
    upstream: AsyncIterable<unknown>,
    options: SegmentOptions,
    private readonly gauges: SegmentMeter,
  ) {
    super(upstream, options);
    this.meter = gauges;
  }

  protected override callbackSettled(out: unknown): void {
    this.gauges.enter();
    super.callbackSettled(out);
    this.leave();
  }

  protected override callbackFailed(error: unknown): void {
    this.gauges.enter();
    super.callbackFailed(error);
    this.leave();
  }

  override demand(): void {
    this.gauges.enter();
    super.demand();
    this.leave();
  }

  override onItem(value: unknown): void {
    this.gauges.enter();
    if (this.phase < CLOSING) this.gauges.arrived(); // one answered during cleanup is dropped
    super.onItem(value);
    this.leave();
  }

  override onEnd(): void {
    this.gauges.enter();
    super.onEnd();
    this.leave();
  }

  override onError(error: unknown): void {
    this.gauges.enter();
    super.onError(error);
    this.leave();
  }

  /** The fused ops, as `Segment.run`, counting what each op hands on and timing sampled runs. */
  protected override run(value: unknown, from: number): void {
    const { ops, state, gauges: m } = this;
    for (let i = from; i < ops.length; i++) {
      const op = ops[i]!;
      const kind = op.kind;
      const plain = kind === MAP || kind === FILTER || kind === TAP;
      if (!plain) {
        const next = state.step(i, value);
        if (next === SKIP) return this.again();
        if (next !== CALL) {
          m.outs[i]++;
          continue;
        }
      }
      const context = new CallContext(state.nextIndex(i), this.calls);
      let out: unknown;
      this.phase = CALLING;
      const t0 = m.sampling ? now() : 0;
      try {
        out = plain ? (op.fn as Callback<unknown, unknown>)(value, context) : state.call(i, value, context);
      } catch (error) {
        context.settle();
        if (this.phase !== CALLING) return this.settledWhileClosing();
        this.phase = IDLE;
        return this.failed(i, error);
      }
      if (m.sampling) m.weights[i + 1] += now() - t0;
      if (isThenable(out)) return this.suspend(out, value, i, context);
      context.settle();
      if (this.phase !== CALLING) return this.settledWhileClosing();
      this.phase = IDLE;
      if (kind === MAP) value = out;
      else if (kind === FILTER) {
        if (!out) return this.again();
      } else if (kind !== TAP) {
        value = state.settled(i, value, out);
        if (value === SKIP) return this.again();
      }
      m.outs[i]++;
    }
    m.pushes++;
    const t0 = m.sampling ? now() : 0;
    const waits = this.outlet.push(value as T);
    if (m.sampling) m.weights[ops.length + 1] += now() - t0;
    if (waits) this.again();
  }

  /** Where the segment waits now: 0 on its source, `i + 1` on op `i`'s callback, else on its reader. */
  private leave(): void {
    const slot =
      this.phase === PULLING ? 0 : this.phase === CALLING ? this.resumeAt + 1 : this.ops.length + 1;
    this.gauges.exit(slot, this.outlet.waiting);
  }
}
