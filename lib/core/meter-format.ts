import type { MeterSnapshot, StageSnapshot } from './meter-snapshot.js';

const HEAD = ['#', 'stage', 'in', 'out', 'err', 'flight', 'queued', 'busy', 'wait up', 'wait down', 'state'];

/** `0.123` → `12%`. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '-';
}

/** A duration for people: `850 ms`, `12.3 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function row(stage: StageSnapshot, bottleneck: string | undefined): string[] {
  const time = stage.busyMs + stage.waitingUpstreamMs + stage.waitingDownstreamMs;
  const mark = stage.name === bottleneck ? ' ◀ bottleneck' : '';
  return [
    String(stage.position),
    stage.name,
    String(stage.in),
    String(stage.out),
    String(stage.errors),
    stage.capacity === undefined ? String(stage.inFlight) : `${stage.inFlight}/${stage.capacity}`,
    String(stage.queued),
    percent(stage.busyMs, time),
    percent(stage.waitingUpstreamMs, time),
    percent(stage.waitingDownstreamMs, time),
    stage.state + mark,
  ];
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          c === 1 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A snapshot as a plain-text table, then a line with the elapsed time and the bottleneck. */
export function formatSnapshot(snapshot: MeterSnapshot): string {
  if (snapshot.stages.length === 0) return 'not started';
  const rows = [HEAD, ...snapshot.stages.map((stage) => row(stage, snapshot.bottleneck))];
  const limit = snapshot.bottleneck === undefined ? 'the consumer (or nothing yet)' : snapshot.bottleneck;
  return `${table(rows)}\nelapsed ${duration(snapshot.elapsedMs)}; limited by ${limit}`;
}
