import { engineStage } from '../core/define-stage.js';
import { SourceEngine } from '../core/engine.js';
import { END, RETURN, type Outcome } from '../core/outcome.js';
import { Outlet, type OutletOwner } from '../core/outlet.js';
import { Fifo } from '../util/fifo.js';
import { assertCount, assertFunction, assertOptions } from '../util/validate.js';
import type { Branch, CallbackContext, Stage } from '../core/types.js';

/** Options of `groupBy`. */
export interface GroupByOptions {
  /** Items a group may hold unread; a full group holds the source back. @default 1 */
  capacity?: number | undefined;
}

/** What `groupBy` yields: a key the first time it is seen, and that key's items. */
export interface Grouped<K, T> {
  readonly key: K;
  /** The items of this key, in order; returning it drops its later items. */
  readonly values: Branch<T>;
}

/**
 * Yields `{ key, values }` the first time each `key(value, { signal, index })` is seen (keys
 * compared as `Map` keys); `values` yields that key's items in order. Each group holds at most
 * `capacity` unread items, and a full group, or a new group not yet read from the stream, holds the
 * source back — as a Go goroutine blocks on a full channel — so read every group you are given (or
 * return it). Returning a group drops its later items. Reads the source only while the stream or a
 * group waits.
 *
 * End: the stream ends once the source has and every group was yielded; each group ends after
 * its unread items. Error (the source's, or `key` throwing): the stream fails, and each group fails
 * after its unread items. `break` on the stream, and abort, end every group at once (abort rejects
 * their pending `next()` with `signal.reason`), drop what they hold and return the source.
 *
 * @example
 * for await (const { key, values } of pipe(events, groupBy((e) => e.userId, { capacity: 16 })))
 *   void forEach(values, (e) => applyInOrder(key, e));
 */
export function groupBy<T, K>(
  key: (value: T, context: CallbackContext) => K,
  options: GroupByOptions = {},
): Stage<T, Grouped<K, T>> {
  assertFunction('key', key);
  assertOptions('options', options);
  const { capacity = 1 } = options;
  assertCount('capacity', capacity, 1);
  return engineStage(
    (source, { signal }) => new GroupByEngine<T, K>(source as AsyncIterable<T>, signal, key, capacity).outlet,
  );
}

/** One key's queue and the outlet its reader reads. */
class GroupState<T> implements OutletOwner {
  readonly queue = new Fifo<T>();
  readonly outlet: Outlet<T>;
  returned = false;

  constructor(
    private readonly engine: GroupByEngine<T, any>,
    label: string,
  ) {
    this.outlet = new Outlet<T>(this, label);
  }

  demand(): void {
    this.engine.flush(this);
  }

  stop(): Promise<void> {
    this.returned = true;
    this.queue.clear();
    this.outlet.end(RETURN);
    this.engine.pullIfWanted();
    return Promise.resolve();
  }
}

class GroupByEngine<T, K> extends SourceEngine<T, Grouped<K, T>> {
  private readonly groups = new Map<K, GroupState<T>>();
  private readonly unannounced = new Fifo<Grouped<K, T>>();
  private index = 0;
  private stopped: Outcome | undefined;

  constructor(
    source: AsyncIterable<T>,
    signal: AbortSignal,
    private readonly key: (value: T, context: CallbackContext) => K,
    private readonly capacity: number,
  ) {
    super(source, signal, 'groupBy');
  }

  protected open(): void {}

  protected serve(): void {
    while (this.outlet.waiting && this.unannounced.length > 0) this.outlet.push(this.unannounced.shift());
    if (this.unannounced.length === 0 && !this.closed && this.endLikeSource()) return;
    this.pullIfWanted();
  }

  /** Pulls when the stream or a group waits, unless a full or unread group holds the source back. */
  pullIfWanted(): void {
    if (this.closed || this.ended || this.failure || this.inlet.pulling || this.unannounced.length > 0)
      return;
    let wanted = this.outlet.waiting;
    for (const group of this.groups.values()) {
      if (group.queue.length >= this.capacity) return;
      if (group.outlet.waiting) wanted = true;
    }
    if (wanted) this.inlet.pull();
  }

  /** Hands a group's queued items to its reader; ends it once drained after the source did. */
  flush(group: GroupState<T>): void {
    while (group.outlet.waiting && group.queue.length > 0) group.outlet.push(group.queue.shift());
    if (group.queue.length === 0 && !group.outlet.ended) {
      if (this.failure) group.outlet.end({ kind: 'error', error: this.failure.error });
      else if (this.ended) group.outlet.end(END);
    }
    this.pullIfWanted();
  }

  onItem(value: T): void {
    let k: K;
    try {
      k = this.key(value, { signal: this.signal!, index: this.index++ });
    } catch (error) {
      this.failure = { error };
      void this.close({ kind: 'error', error });
      for (const group of this.groups.values()) this.flush(group);
      return;
    }
    let group = this.groups.get(k);
    if (group === undefined) {
      group = new GroupState<T>(this, `groupBy group`);
      this.groups.set(k, group);
      this.unannounced.push({ key: k, values: group.outlet });
    }
    if (!group.returned) {
      group.queue.push(value);
      this.flush(group);
    }
    this.serve();
  }

  override onEnd(): void {
    super.onEnd();
    for (const group of this.groups.values()) this.flush(group);
  }

  override onError(error: unknown): void {
    super.onError(error);
    for (const group of this.groups.values()) this.flush(group);
  }

  protected override shutdown(outcome: Outcome): Promise<{ error: unknown } | undefined> {
    this.stopped = outcome;
    return super.shutdown(outcome);
  }

  /** The stream stopped before its end (break, abort): every group ends now. */
  protected drop(): void {
    this.unannounced.clear();
    const outcome = this.stopped;
    if (outcome === undefined || outcome.kind === 'end' || outcome.kind === 'error') return;
    for (const group of this.groups.values()) {
      group.queue.clear();
      group.outlet.end(outcome);
    }
  }
}
