import { release, track, type Resource } from '../util/registry.js';
import { closeOpened } from './close-source.js';
import { checkedIterator, readResult, RESULT_DONE } from './read-result.js';
import { timeForATurn } from './turns.js';
import { ENDED, isOwn, PENDING, REQUEST, type Requestable } from './brand.js';
import { Outlet } from './outlet.js';
import { SyncSource } from './sync-source.js';
import { DirectSource } from './direct-source.js';

/** The engine behind an inlet: told of each item, the end, or the failure of the source. */
export interface InletOwner<T> {
  /** An item; the owner may call `pull()` again from here, or return true to have it pulled. */
  onItem(value: T): boolean | void;
  onEnd(): void;
  onError(error: unknown): void;
}

const IDLE = 0;
const PULLING = 1; // a next() is in flight
const DELIVERING = 2; // the owner is being told of an item
const FINISHED = 3; // ended, failed or closed: never pulled again
const YIELDING = 4; // idle while the event loop has its turn; the pull resumes after it

const MAX_SYNC_RUN = 64; // ready values taken in one synchronous run before a promise breaks it

const NOTHING_TO_REPORT: Promise<undefined> = Promise.resolve(undefined);

/**
 * The source side of every stage: written once here, for every engine.
 * - Opens the source on the first pull with the stage's signal (`[Symbol.asyncIterator](signal)`,
 *   the ix convention; a `DirectSource` brings its own); a throw there is the source's failure.
 * - Pulls one item at a time: from sluice's own outlets through `[REQUEST]`, taking a run of ready
 *   values in a loop, from anything else through `next()`, a plain object answered included.
 * - Checks each result as `for await` does (`readResult`); a synchronous throw from `next()` is a
 *   failure, not an escape. Closes once (`close`): see there.
 */
export class Inlet<T> {
  private iterator: AsyncIterator<T> | undefined;
  private state = IDLE;
  private again = false;
  private requestable = false;
  private syncRun = 0;
  private closing: Promise<{ error: unknown } | undefined> | undefined;
  private stuck: Resource | undefined; // a source let go of in next(), with no return() to call
  private own: boolean; // sluice's own: its return() settles once its callbacks have, so it is awaited
  private readonly direct: DirectSource<T> | undefined; // a pipeline's source, read with no relay

  constructor(
    private readonly source: AsyncIterable<T>,
    /** The signal the source is opened with, or how to make it (made only for a source that reads it). */
    private readonly signal: AbortSignal | (() => AbortSignal),
    private readonly owner: InletOwner<T>,
    private readonly label: string,
  ) {
    if (source instanceof DirectSource) [this.direct, this.source, this.signal] = source.readBy(this);
    this.own = isOwn(this.source);
  }

  /** A next() is in flight. */
  get pulling(): boolean {
    return this.state === PULLING;
  }

  /** Ended, failed or closed. */
  get finished(): boolean {
    return this.state === FINISHED;
  }

  /** Opens the source now (a merge opens every source at once); false if it failed or was closed. */
  open(): boolean {
    if (this.iterator !== undefined || this.state === FINISHED) return this.state !== FINISHED;
    let iterator: AsyncIterator<T>;
    try {
      iterator = checkedIterator((this.source as any)[Symbol.asyncIterator](this.signalFor()));
    } catch (error) {
      this.fail(error);
      return false;
    }
    this.iterator = iterator;
    this.own ||= isOwn(iterator);
    this.requestable = typeof (iterator as Partial<Requestable<T>>)[REQUEST] === 'function';
    return true;
  }

  /** sluice's outlets and sync sources ignore the signal: an AbortController costs microseconds. */
  private signalFor(): AbortSignal | undefined {
    const { signal, source } = this;
    if (typeof signal !== 'function') return signal;
    return source instanceof Outlet || source instanceof SyncSource ? undefined : signal();
  }

  /** Asks for one item unless one is asked for already; the answer goes to the owner. */
  pull(): void {
    if (this.state !== IDLE) {
      if (this.state === DELIVERING) this.again = true;
      return;
    }
    if (this.iterator === undefined && !this.open()) return;
    const iterator = this.iterator!;
    for (;;) {
      this.state = PULLING;
      if (this.requestable && this.syncRun < MAX_SYNC_RUN) {
        // Synchronous hand-overs are counted: a run of them would keep timers and I/O waiting.
        if (timeForATurn(this)) {
          this.state = YIELDING;
          return;
        }
        let ready: T | typeof PENDING | typeof ENDED;
        try {
          ready = (iterator as unknown as Requestable<T>)[REQUEST](this.onResult, this.onFailure);
        } catch (error) {
          return this.fail(error);
        }
        // Closed meanwhile (the request ran the upstream's code): a late answer is dropped.
        if (ready === PENDING || this.state !== PULLING) return;
        this.syncRun++;
        if (ready === ENDED) return this.ended();
        if (!this.handOver(ready)) return;
        continue;
      }
      this.syncRun = 0;
      let pending: Promise<IteratorResult<T>>;
      try {
        pending = iterator.next();
      } catch (error) {
        return this.fail(error);
      }
      // A plain object answered is awaited, as `for await` awaits it.
      if (pending instanceof Promise) pending.then(this.onResult, this.onFailure);
      else Promise.resolve(pending as unknown as IteratorResult<T>).then(this.onResult, this.onFailure);
      return;
    }
  }

  /** After a turn given to the event loop; a close meanwhile leaves nothing to do. */
  resumed(): void {
    if (this.state !== YIELDING) return;
    this.state = IDLE;
    this.pull();
  }

  private readonly onResult = (result: IteratorResult<T>): void => {
    if (this.stuck !== undefined) this.settledStuck();
    else if (this.deliver(result)) this.pull();
  };

  private readonly onFailure = (error: unknown): void => {
    if (this.stuck !== undefined) this.settledStuck();
    else if (this.state === PULLING) this.fail(error);
  };

  private settledStuck(): void {
    release(this.stuck);
    this.stuck = undefined;
  }

  /** Checks a result and hands it on; true when the owner asked for the next one meanwhile. */
  private deliver(result: IteratorResult<T>): boolean {
    if (this.state !== PULLING) return false; // closed meanwhile: a late answer is dropped
    let value: T | typeof RESULT_DONE;
    try {
      value = readResult(result);
    } catch (error) {
      this.fail(error);
      return false;
    }
    if (value !== RESULT_DONE) return this.handOver(value);
    this.ended();
    return false;
  }

  /** Hands a value to the owner; true when the owner asked for the next one meanwhile. */
  private handOver(value: T): boolean {
    this.state = DELIVERING;
    this.again = false;
    const more = this.owner.onItem(value);
    if (this.state !== DELIVERING) return false; // the owner closed the inlet
    this.state = IDLE;
    return more === true || this.again;
  }

  private ended(): void {
    this.state = FINISHED;
    this.owner.onEnd();
  }

  /** An iterator whose next() failed is finished, as `for await` assumes: it is not returned. */
  private fail(error: unknown): void {
    this.state = FINISHED;
    this.direct?.failed(error);
    this.owner.onError(error);
  }

  /**
   * Closes once; settles with the error the source's `return()` threw, if any. A source that
   * finished by itself is not returned; how an opened one is closed: `closeOpened`.
   */
  close(abort: boolean, reason?: unknown): Promise<{ error: unknown } | undefined> {
    if (this.closing === undefined) {
      const iterator = this.iterator;
      // A source never opened, or finished by itself, has nothing to close: no async step for it,
      // unless it is an outlet of sluice's keeping what its own source's return() threw.
      const idle =
        iterator === undefined ||
        (this.state === FINISHED && !(iterator instanceof Outlet && iterator.hasReturnFailure));
      const stuck = this.state === PULLING;
      this.state = FINISHED;
      if (idle) return (this.closing = NOTHING_TO_REPORT);
      const label = `${this.label}: source still closing after the stage ended`;
      if (!this.own && (stuck || abort) && typeof iterator.return !== 'function') {
        // Nothing to call: the ledger shows the source until its pending next() settles.
        if (stuck) this.stuck = track('source', label);
        this.closing = NOTHING_TO_REPORT;
      } else this.closing = closeOpened(iterator, { own: this.own, stuck, abort, reason, label });
    }
    return this.closing;
  }
}
