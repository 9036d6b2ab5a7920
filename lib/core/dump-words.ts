import { duration } from './meter-format.js';
import type { LivePipeline, LiveStage } from './run-view.js';

/**
 * The words of a dump (`dumpPipelines()`), shared with the deadlock report of `sluice/testing`:
 * a stage by its name and position, its state, for how long, and what it waits on.
 */
export function stageWords(stage: LiveStage): string {
  const since = stage.stateMs === undefined ? '' : ` for ${duration(stage.stateMs)}`;
  const notes: string[] = [];
  if (stage.pendingNext) notes.push('a next() on the source is pending');
  if (stage.inFlightIndex !== undefined) notes.push(`working on item ${stage.inFlightIndex}`);
  else if (stage.inFlight > 0)
    notes.push(`${stage.inFlight} call${stage.inFlight === 1 ? '' : 's'} in flight`);
  if (stage.queued > 0) notes.push(`${stage.queued} queued`);
  const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return `${stage.name} at position ${stage.position}: ${stage.state}${since}${note}`;
}

/** One pipeline: a heading (its id, age, where it was built), then a line per stage. */
export function pipelineWords(pipeline: LivePipeline): string {
  const where = pipeline.builtAt === undefined ? '' : `, built at ${pipeline.builtAt}`;
  const lines = [`pipeline #${pipeline.id}, open for ${duration(pipeline.openMs)}${where}`];
  for (const stage of pipeline.stages) lines.push(`  ${stageWords(stage)}`);
  if (!pipeline.metered) {
    lines.push('  (times in state and where it was built: pass captureStacks: true, or set SLUICE_TRACE=1)');
  }
  return lines.join('\n');
}

export function dumpWords(pipelines: readonly LivePipeline[]): string {
  const count = `${pipelines.length} pipeline${pipelines.length === 1 ? '' : 's'} open`;
  return [`sluice: ${count}`, ...pipelines.map(pipelineWords)].join('\n');
}
