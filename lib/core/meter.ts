import { METER } from './brand.js';
import { formatSnapshot } from './meter-format.js';
import { snapshotOf, type MeterSnapshot } from './meter-snapshot.js';
import type { PipelineRun, RunObserver } from './pipeline-run.js';

/** The side of a `Meter` that `pipe` talks to. */
export const OBSERVER = Symbol('sluice.meterObserver');

/**
 * Measures a pipeline while it runs: pass it as `pipe(source, ...stages, { meter })`. Each run of
 * the pipeline (each `for await` over it) is measured afresh; a snapshot reports the latest run.
 * Without a meter a pipeline measures nothing and pays nothing.
 *
 * Per stage, the source first: items in and out, errors, callbacks in flight, items held, its
 * bound, and its time split between busy, waiting upstream (demand pending, no input) and waiting
 * downstream (output ready, nobody asking). Fused stages (`map`, `filter`… run in one loop) are
 * reported one by one: their counters are exact; the time of a synchronous run through them is
 * split in proportion to per-stage timings sampled on one run in 16 (every run at first).
 *
 * @example
 * const meter = new Meter();
 * await drain(pipe(range(0, 100), map((n: number) => n * 2), { meter }));
 * const { stages, bottleneck } = meter.snapshot();
 * console.log(stages[1].out, bottleneck); // 100, and the stage that limited throughput
 * console.log(meter.format());
 */
export class Meter {
  declare readonly [METER]: true;
  #run: PipelineRun | undefined;
  readonly #onEnd = new Set<() => void>();

  /** @internal */
  readonly [OBSERVER]: RunObserver = {
    attach: (run) => {
      this.#run = run;
    },
    ended: (run) => {
      if (run !== this.#run) return;
      for (const listener of [...this.#onEnd]) listener();
    },
  };

  /** Whether a run started and has not ended. */
  get running(): boolean {
    return this.#run !== undefined && this.#run.endedAt === undefined;
  }

  /** Whether the latest run has ended (however it ended). */
  get ended(): boolean {
    return this.#run?.endedAt !== undefined;
  }

  /** The figures now: `{ elapsedMs, stages, bottleneck }`; empty before the first run starts. */
  snapshot(): MeterSnapshot {
    return snapshotOf(this.#run);
  }

  /** The snapshot as a plain-text table, one row per stage, the bottleneck marked. */
  format(): string {
    return formatSnapshot(this.snapshot());
  }

  /**
   * Calls `listener` when the run being measured ends; returns its removal.
   * @internal
   */
  onEnd(listener: () => void): () => void {
    this.#onEnd.add(listener);
    return () => void this.#onEnd.delete(listener);
  }
}

Object.defineProperty(Meter.prototype, METER, { value: true });

/** Whether `value` is a `Meter` (of either build). */
export function isMeter(value: unknown): value is Meter {
  return typeof value === 'object' && value !== null && (value as { [METER]?: unknown })[METER] === true;
}
