/**
 * The ledger behind `sluice/testing`: every stage, abort listener, timer, abandoned source and
 * worker that sluice starts is entered here and removed when it stops. The ledger lives on
 * `globalThis` under a registered symbol so the ESM and CJS builds, loaded side by side, share it.
 */
export type ResourceKind = 'stage' | 'listener' | 'timer' | 'source' | 'worker' | 'wait';

export interface Resource {
  readonly id: number;
  readonly kind: ResourceKind;
  readonly label: string;
  /** Where it was started. */
  readonly stack: string | undefined;
  /** For a stage: whether a reader waits on it now (deadlock detection asks). */
  readonly waiting?: (() => boolean) | undefined;
  /** For a stage: what is left undone, in the user's words (`output 2 of 2 was never read`). */
  readonly detail?: (() => string | undefined) | undefined;
}

/** What a stage can tell the ledger about itself, asked only when a report is made. */
export interface Probes {
  waiting?: () => boolean;
  detail?: () => string | undefined;
  /** Where it was built, from `captureStack()`, when that tells the user more than where it started. */
  stack?: string | undefined;
}

interface Ledger {
  nextId: number;
  live: Set<Resource>;
  /** Number of open leak scopes; stacks are captured while it is above zero. */
  scopes: number;
}

const KEY = Symbol.for('sluice.ledger');

function ledger(): Ledger {
  const holder = globalThis as { [KEY]?: Ledger };
  return (holder[KEY] ??= { nextId: 1, live: new Set(), scopes: 0 });
}

const shared = ledger();

/**
 * Enters a resource in the ledger while a leak scope is open. With none open nobody can ask about
 * it, so nothing is recorded: the ledger costs nothing outside tests.
 */
export function track(kind: ResourceKind, label: string, probes?: Probes): Resource | undefined {
  if (shared.scopes === 0) return undefined;
  const resource: Resource = {
    id: shared.nextId++,
    kind,
    label,
    ...probes,
    stack: probes?.stack ?? stackHere(),
  };
  shared.live.add(resource);
  return resource;
}

function stackHere(): string | undefined {
  // Deep enough to get past sluice's own frames to the user's code that started it.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack?.split('\n').slice(3).join('\n');
  Error.stackTraceLimit = limit;
  return stack;
}

/** Whether the ledger records (a leak scope is open): labels worth building only then. */
export function recording(): boolean {
  return shared.scopes > 0;
}

/**
 * The stack here while a leak scope is open (for a resource built now and tracked later) or when
 * `force`d (`captureStacks`, `SLUICE_TRACE=1`), else nothing.
 */
export function captureStack(force = false): string | undefined {
  return shared.scopes === 0 && !force ? undefined : stackHere();
}

export function release(resource: Resource | undefined): void {
  if (resource !== undefined) shared.live.delete(resource);
}

export function liveResources(): Resource[] {
  return [...shared.live];
}

export function nextResourceId(): number {
  return shared.nextId;
}

export function openScope(): () => void {
  shared.scopes++;
  let open = true;
  return () => {
    if (open) shared.scopes--;
    open = false;
  };
}
