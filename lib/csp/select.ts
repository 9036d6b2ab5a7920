import type { Received, ReceiveCase, SendCase } from './channel.js';
import { onAbort } from '../util/abort.js';
import { ignoreRejection, isThenable } from '../util/deferred.js';
import { Failure, handOver, OPERATION, type Claim, type Operation } from './hand-over.js';
import { assertBoolean, assertOptions, assertSignal, describe } from '../util/validate.js';
import type { SignalOptions } from '../core/types.js';

/** What `select` may wait on: a channel operation, a promise, or a signal (Go's `<-ctx.Done()`). */
export type SelectCase = ReceiveCase<any> | SendCase<any> | PromiseLike<unknown> | AbortSignal;

/** The outcome of a case: `receive` as `channel.receive()`; a signal wins with its reason. */
export type CaseOutcome<C> =
  C extends ReceiveCase<infer T>
    ? Received<T>
    : C extends SendCase<any>
      ? { value: undefined; ok: true }
      : C extends AbortSignal
        ? { value: unknown; ok: true }
        : C extends PromiseLike<infer V>
          ? { value: V; ok: true }
          : never;

/** What `select` resolves: the winning case's name with its outcome. */
export type Selected<C extends Record<string, SelectCase>> = {
  [K in keyof C & string]: { case: K } & CaseOutcome<C[K]>;
}[keyof C & string];

/** What `select` resolves with `default: true` when no case is ready. */
export type SelectedDefault = { case: 'default'; value: undefined; ok: false };

export interface SelectOptions extends SignalOptions {
  /** Resolve `{ case: 'default' }` at once when no case is ready (Go's `default:`). @default false */
  default?: boolean | undefined;
}

/**
 * Go's `select`: waits until one of the named `cases` can proceed and resolves
 * `{ case, value, ok }` for exactly that one. A case that does not win consumes and delivers
 * nothing: every channel commits to at most one waiter of a select. When several cases are ready
 * at the call, one is chosen uniformly at random, so none starves. A promise counts as ready only
 * once it settles (never at the call, so `default` beats an already-resolved promise); its
 * rejection rejects the select, and a losing promise's rejection is marked handled (as by
 * `Promise.race`). A send case on a closed channel is ready and, when chosen, rejects with
 * `ChannelClosedError`, where Go panics. Abort rejects with `signal.reason` and withdraws every
 * waiter; an already-aborted signal rejects before any case is looked at (its promise cases are
 * still marked handled). `cases` with no case at all (Go's `select {}`, which blocks forever) is a
 * `TypeError`, as is a single case passed where the object of named cases belongs.
 *
 * @example
 * const got = await select({ job: jobs.receiving(), quit: quit.receiving(), done: signal });
 * if (got.case === 'job' && got.ok) handle(got.value);
 */
export function select<C extends Record<string, SelectCase>>(
  cases: C,
  options?: SelectOptions & { default?: false | undefined },
): Promise<Selected<C>>;
export function select<C extends Record<string, SelectCase>>(
  cases: C,
  options: SelectOptions,
): Promise<Selected<C> | SelectedDefault>;
export function select(
  cases: Record<string, SelectCase>,
  options: SelectOptions = {},
): Promise<{ case: string; value: unknown; ok: boolean }> {
  const entries = caseEntries(cases);
  for (const [name, item] of entries) {
    if (!isOperationCase(item) && !(item instanceof AbortSignal) && !isThenable(item))
      throw new TypeError(
        `Expected case \`${name}\` to be channel.receiving(), channel.sending(value), a promise or an ` +
          `AbortSignal, got ${describe(item)}`,
      );
  }
  assertOptions('options', options);
  const { signal, default: fallback = false } = options;
  assertSignal('signal', signal);
  assertBoolean('default', fallback);
  if (fallback && 'default' in cases)
    throw new TypeError('A case may not be named `default` when `default: true` is given');
  // As with Promise.race, a promise handed to select is observed: losing never makes it unhandled,
  // and neither does a select that an already-aborted signal refuses.
  for (const [, item] of entries)
    if (!isOperationCase(item) && !(item instanceof AbortSignal)) ignoreRejection(item);
  if (signal?.aborted) return Promise.reject(signal.reason);

  const ready = entries.filter(([, item]) =>
    isOperationCase(item) ? item[OPERATION].ready() : item instanceof AbortSignal && item.aborted,
  );
  if (ready.length > 0) {
    const [name, item] = ready[Math.floor(Math.random() * ready.length)];
    if (item instanceof AbortSignal) return Promise.resolve({ case: name, value: item.reason, ok: true });
    try {
      const outcome = (item as { [OPERATION]: Operation<Received<unknown>> })[OPERATION].poll()!;
      return new Promise((resolve) => handOver(() => resolve({ case: name, ...outcome })));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  if (fallback) return Promise.resolve({ case: 'default', value: undefined, ok: false });

  return new Promise((resolve, reject) => {
    const claim: Claim = { claimed: false };
    const withdrawals: (() => void)[] = [];
    // Called by whichever fires first; the claim makes every later one a no-op.
    const win = (settle: () => void, viaChannel = false): void => {
      if (claim.claimed && !viaChannel) return;
      claim.claimed = true;
      for (const withdraw of withdrawals.splice(0)) withdraw();
      if (viaChannel) handOver(settle);
      else settle();
    };
    for (const [name, item] of entries) {
      if (claim.claimed) return; // a thenable settled synchronously; nothing more to enlist
      if (isOperationCase(item)) {
        const enlisted = item[OPERATION].wait(claim, (outcome) =>
          win(() => {
            if (outcome instanceof Failure) reject(outcome.error);
            else if (outcome instanceof Error) reject(outcome);
            else resolve({ case: name, ...outcome });
          }, true),
        );
        withdrawals.push(enlisted);
      } else if (item instanceof AbortSignal) {
        withdrawals.push(
          onAbort(
            item,
            () => win(() => resolve({ case: name, value: item.reason, ok: true })),
            'select case',
          ),
        );
      } else {
        withdrawals.push(watch(item, name, win, resolve, reject));
      }
    }
    if (signal && !claim.claimed)
      withdrawals.push(onAbort(signal, () => win(() => reject(signal.reason)), 'select'));
  });
}

/**
 * The named cases of `cases`. A select with nothing to wait on would hang forever (Go's `select {}`),
 * and a bare case, a channel or a promise passed where the object of cases belongs has no cases
 * of its own: both are refused rather than left to wait.
 */
function caseEntries(cases: unknown): [string, SelectCase][] {
  const expectation = 'Expected `cases` to be an object of named cases';
  if (cases === null || typeof cases !== 'object' || Array.isArray(cases))
    throw new TypeError(`${expectation}, got ${describe(cases)}`);
  if (isOperationCase(cases) || isThenable(cases) || cases instanceof AbortSignal)
    throw new TypeError(`${expectation}, got a single case (name it: \`select({ name: theCase })\`)`);
  const entries = Object.entries(cases as Record<string, SelectCase>);
  if (entries.length === 0) throw new TypeError(`${expectation}, got ${describe(cases)} with no case`);
  return entries;
}

function isOperationCase(item: unknown): item is { [OPERATION]: Operation<{ value: unknown; ok: boolean }> } {
  return item !== null && typeof item === 'object' && OPERATION in item;
}

/**
 * Watches a promise case. A promise may outlive the select by far (PEERS #4), so the handler it
 * keeps holds only a slot that is emptied once the select settles, not the select itself.
 */
function watch(
  promise: PromiseLike<unknown>,
  name: string,
  win: (settle: () => void) => void,
  resolve: (result: { case: string; value: unknown; ok: boolean }) => void,
  reject: (error: unknown) => void,
): () => void {
  const slot: { fire?: (settle: () => void) => void } = { fire: win };
  const onValue = (value: unknown): void => slot.fire?.(() => resolve({ case: name, value, ok: true }));
  const onError = (error: unknown): void => slot.fire?.(() => reject(error));
  try {
    promise.then(onValue, onError);
  } catch (error) {
    onError(error);
  }
  return () => {
    slot.fire = undefined;
  };
}
