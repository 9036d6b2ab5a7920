import { liveResources, type Resource } from '../util/registry.js';
import { describeResource } from './words.js';

/**
 * Thrown by a `TestClock`'s `advance` or `runAll` when sluice pipelines, channel operations or
 * selects wait, no sluice timer is pending and nothing settles: nothing can ever move them.
 * Its message lists what waits, and where in your code each was started; `waiting` has the same.
 *
 * @example
 * await expect(clock.runAll()).rejects.toThrow(DeadlockError);
 */
export class DeadlockError extends Error {
  override readonly name = 'DeadlockError';
  constructor(readonly waiting: readonly string[]) {
    super(
      `sluice: deadlock: ${waiting.length} thing(s) wait, no sluice timer is pending and nothing settles:\n` +
        waiting.map((line) => `  - ${line}`).join('\n'),
    );
  }
}

function isWaiting(resource: Resource): boolean {
  return resource.kind === 'wait' || (resource.kind === 'stage' && resource.waiting?.() === true);
}

/** A fingerprint of the ledger since `firstId`: what is live and what waits. Equal twice means nothing moved. */
export function ledgerState(firstId: number): string {
  return since(firstId)
    .map((resource) => `${resource.id}${isWaiting(resource) ? 'w' : ''}`)
    .join(',');
}

function since(firstId: number): Resource[] {
  return liveResources().filter((resource) => resource.id >= firstId);
}

/** The `DeadlockError` for what waits now among what started since `firstId`, or `undefined`. */
export function findDeadlock(firstId: number): DeadlockError | undefined {
  const waiting = since(firstId).filter(isWaiting);
  if (waiting.length === 0) return undefined;
  return new DeadlockError(
    waiting.map((resource) => {
      const { what, site } = describeResource(resource, 'waiting');
      return site ? `${what} (started at ${site})` : what;
    }),
  );
}
