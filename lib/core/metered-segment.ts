import { Segment } from './segment.js';
import type { SegmentMeter } from './segment-meter.js';
import type { SegmentOptions } from './segment-options.js';
import { CALLING, PULLING } from './segment-options.js';

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
    const settled = this.onCallback;
    const failed = this.onCallbackError;
    this.onCallback = (out) => {
      gauges.enter();
      settled(out);
      this.leave();
    };
    this.onCallbackError = (error) => {
      gauges.enter();
      failed(error);
      this.leave();
    };
  }

  override demand(): void {
    this.gauges.enter();
    super.demand();
    this.leave();
  }

  override onItem(value: unknown): void {
    this.gauges.enter();
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

  /** Where the segment waits now: 0 on its source, `i + 1` on op `i`'s callback, else on its reader. */
  private leave(): void {
    const slot =
      this.phase === PULLING ? 0 : this.phase === CALLING ? this.resumeAt + 1 : this.ops.length + 1;
    this.gauges.exit(slot, this.outlet.waiting);
  }
}
