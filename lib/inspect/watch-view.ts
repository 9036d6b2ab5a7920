import { duration, percent, table } from '../core/meter-format.js';
import type { MeterSnapshot, StageSnapshot } from '../core/meter-snapshot.js';

const BAR = 20;

/** What changed between two snapshots of a stage: items out, and each kind of time. */
interface Delta {
  out: number;
  busy: number;
  up: number;
  down: number;
}

function delta(now: StageSnapshot, before: StageSnapshot | undefined): Delta {
  return {
    out: now.out - (before?.out ?? 0),
    busy: now.busyMs - (before?.busyMs ?? 0),
    up: now.waitingUpstreamMs - (before?.waitingUpstreamMs ?? 0),
    down: now.waitingDownstreamMs - (before?.waitingDownstreamMs ?? 0),
  };
}

/** Items per second over `ms`: `1.2k/s`. */
export function rate(items: number, ms: number): string {
  if (ms <= 0) return '-';
  const perSecond = (items * 1000) / ms;
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k/s` : `${Math.round(perSecond)}/s`;
}

/** `█` busy, `▒` waiting upstream, `░` waiting downstream, over the last interval. */
export function bar({ busy, up, down }: Delta): string {
  const total = busy + up + down;
  if (total <= 0) return ' '.repeat(BAR);
  const b = Math.round((BAR * busy) / total);
  const u = Math.min(BAR - b, Math.round((BAR * up) / total));
  return '█'.repeat(b) + '▒'.repeat(u) + '░'.repeat(BAR - b - u);
}

/** The live table: per stage its rate, the bar, busy share, queue depth, state; the bottleneck marked. */
export function liveTable(now: MeterSnapshot, before: MeterSnapshot | undefined): string {
  const ms = now.elapsedMs - (before?.elapsedMs ?? 0);
  const rows = [['#', 'stage', 'items/s', `busy ▒ up ░ down`, 'busy', 'queued', 'state']];
  now.stages.forEach((stage, i) => {
    const d = delta(stage, before?.stages[i]);
    const mark = stage.name === now.bottleneck ? ' ◀ bottleneck' : '';
    const queue = stage.capacity === undefined ? String(stage.queued) : `${stage.queued}/${stage.capacity}`;
    const busy = percent(d.busy, d.busy + d.up + d.down);
    rows.push([String(stage.position), stage.name, rate(d.out, ms), bar(d), busy, queue, stage.state + mark]);
  });
  const limit = now.bottleneck ?? 'the consumer';
  return `${table(rows)}\n${duration(now.elapsedMs)} elapsed; limited by ${limit}`;
}

/** One line for a log: each stage's rate over the last interval, the bottleneck named. */
export function summaryLine(now: MeterSnapshot, before: MeterSnapshot | undefined): string {
  const ms = now.elapsedMs - (before?.elapsedMs ?? 0);
  const stages = now.stages.map((stage, i) => {
    const d = delta(stage, before?.stages[i]);
    const mark = stage.name === now.bottleneck ? ' (bottleneck)' : '';
    return `${stage.name} ${rate(d.out, ms)}${mark}`;
  });
  const limit = now.bottleneck ?? 'the consumer';
  return `[sluice ${duration(now.elapsedMs)}] ${stages.join(' | ')}; limited by ${limit}`;
}
