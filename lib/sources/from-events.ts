import { OWN } from '../core/brand.js';
import { Engine } from '../core/engine.js';
import { OverflowError } from '../core/errors.js';
import { END, type Outcome } from '../core/outcome.js';
import { onAbort } from '../util/abort.js';
import { Fifo } from '../util/fifo.js';
import { release, track, type Resource } from '../util/registry.js';
import {
  assertCount,
  assertFunction,
  assertOneOf,
  assertOptions,
  assertSignal,
  describe,
} from '../util/validate.js';
import type { DropPolicy } from '../core/types.js';
import { listenerOf, type EventSource, type Listen } from './listen.js';

export type { EventEmitterLike, EventSource } from './listen.js';

/** Options of `fromEvents`. */
export interface FromEventsOptions<T> {
  /** Events kept while nobody reads. @default 64 */
  capacity?: number | undefined;
  /** What an event that finds the queue full does: fail the stream, or drop a value. @default 'error' */
  overflow?: 'error' | DropPolicy | undefined;
  /** Called with each value a drop policy drops. */
  onDrop?: ((value: T) => void) | undefined;
  /** An event that ends the stream, after the queued values. */
  endOn?: string | symbol | undefined;
  /** An event that fails the stream with its value, after the queued values. @default 'error' for an EventEmitter */
  errorOn?: string | symbol | undefined;
  /** Stops listening and rejects a pending `next()` with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

const OVERFLOWS = ['error', 'drop-newest', 'drop-oldest'] as const;

/**
 * Turns the `name` events of a Node `EventEmitter` or a DOM `EventTarget` into an async iterable
 * with a bounded queue: each event's value (an EventTarget's event, an emitter's first argument)
 * is handed to a waiting reader, or queued. Listening starts on the first `next()` of an
 * iteration, and each iteration listens for itself.
 *
 * A push source cannot be slowed down, so the queue holds at most `capacity` values and a full
 * queue never grows: with `overflow: 'error'` the stream fails with an `OverflowError` (no silent
 * loss, no unbounded memory); `'drop-newest'` drops the new value, `'drop-oldest'` the oldest
 * queued one, each reported to `onDrop`.
 *
 * End: the `endOn` event ends the stream after the queued values. Error: the `errorOn` event
 * (`'error'` by default for an emitter), an overflow or a throwing `onDrop` fails it after the
 * queued values. Abort (the `signal` option or the pipeline's): the pending `next()` rejects with
 * `signal.reason` at once. `break`: queued values are dropped. On every one of these paths the
 * listeners are removed the moment the stream stops listening: none is left on the target.
 *
 * @example
 * for await (const line of fromEvents<string>(readline, 'line', { endOn: 'close', signal })) console.log(line);
 */
export function fromEvents<T = unknown>(
  target: EventSource,
  name: string | symbol,
  options: FromEventsOptions<T> = {},
): AsyncIterable<T> {
  const { listen, emitter } = listenerOf(target);
  if (typeof name !== 'string' && typeof name !== 'symbol')
    throw new TypeError(`Expected \`name\` to be an event name, got ${describe(name)}`);
  assertOptions('options', options);
  const {
    capacity = 64,
    overflow = 'error',
    onDrop,
    endOn,
    errorOn = emitter ? 'error' : undefined,
    signal,
  } = options;
  assertCount('capacity', capacity, 1);
  assertOneOf('overflow', overflow, OVERFLOWS);
  if (onDrop !== undefined) assertFunction('onDrop', onDrop);
  for (const [option, value] of [
    ['endOn', endOn],
    ['errorOn', errorOn],
  ] as const)
    if (value !== undefined && typeof value !== 'string' && typeof value !== 'symbol')
      throw new TypeError(`Expected \`${option}\` to be an event name, got ${describe(value)}`);
  assertSignal('signal', signal);
  const settings: Settings<T> = { listen, name, capacity, overflow, onDrop, endOn, errorOn, signal };
  return {
    [OWN]: true,
    [Symbol.asyncIterator]: (pipeSignal?: AbortSignal) => new EventsEngine<T>(settings, pipeSignal).outlet,
  } as AsyncIterable<T>;
}

interface Settings<T> {
  readonly listen: Listen;
  readonly name: string | symbol;
  readonly capacity: number;
  readonly overflow: 'error' | DropPolicy;
  readonly onDrop: ((value: T) => void) | undefined;
  readonly endOn: string | symbol | undefined;
  readonly errorOn: string | symbol | undefined;
  readonly signal: AbortSignal | undefined;
}

/** An outlet fed by listeners: a bounded queue, and the end or failure kept until it is drained. */
class EventsEngine<T> extends Engine<T> {
  private readonly queue = new Fifo<T>();
  private removals: (() => void)[] = [];
  private listening: Resource | undefined;
  private last: Outcome | undefined;
  /** The `signal` option, when the pipeline passed a signal of its own that the engine listens to. */
  private readonly extra: AbortSignal | undefined;

  constructor(
    private readonly settings: Settings<T>,
    pipeSignal: AbortSignal | undefined,
  ) {
    super(pipeSignal ?? settings.signal, `fromEvents(${String(settings.name)})`);
    this.extra = pipeSignal !== undefined && pipeSignal !== settings.signal ? settings.signal : undefined;
  }

  protected open(): void {
    const { extra } = this;
    if (extra?.aborted) return void this.close({ kind: 'abort', reason: extra.reason });
    const { listen, name, endOn, errorOn } = this.settings;
    if (extra)
      this.removals.push(
        onAbort(extra, () => void this.close({ kind: 'abort', reason: extra.reason }), this.label),
      );
    this.listening = track('listener', `${this.label}: listeners on the target`);
    this.removals.push(listen(name, this.onEvent));
    if (endOn !== undefined) this.removals.push(listen(endOn, () => this.finish(END)));
    if (errorOn !== undefined)
      this.removals.push(listen(errorOn, (event) => this.finish({ kind: 'error', error: errorOf(event) })));
  }

  protected serve(): void {
    while (this.outlet.waiting && this.queue.length > 0) this.outlet.push(this.queue.shift());
    if (this.queue.length === 0 && this.last !== undefined && !this.closed) void this.close(this.last);
  }

  private readonly onEvent = (value: unknown): void => {
    if (this.last !== undefined || this.closed) return;
    if (this.outlet.waiting) return void this.outlet.push(value as T);
    if (this.queue.length < this.settings.capacity) return void this.queue.push(value as T);
    const { overflow, onDrop, capacity } = this.settings;
    if (overflow === 'error') return this.finish({ kind: 'error', error: new OverflowError(capacity) });
    let dropped = value as T;
    if (overflow === 'drop-oldest') {
      dropped = this.queue.shift();
      this.queue.push(value as T);
    }
    try {
      onDrop?.(dropped);
    } catch (error) {
      // Thrown inside the target's dispatch: the stream fails with it instead.
      this.finish({ kind: 'error', error });
    }
  };

  /** Stops listening at once; the queued values go first, then `outcome`. */
  private finish(outcome: Outcome): void {
    if (this.last !== undefined || this.closed) return;
    this.last = outcome;
    this.unlisten();
    this.serve();
  }

  private unlisten(): void {
    for (const remove of this.removals.splice(0)) remove();
    release(this.listening);
    this.listening = undefined;
  }

  protected shutdown(): Promise<undefined> {
    this.unlisten();
    this.queue.clear();
    return Promise.resolve(undefined);
  }
}

/** An `ErrorEvent`'s error, or what was emitted (checked without DOM types: Node has no `ErrorEvent` type). */
function errorOf(event: unknown): unknown {
  if (typeof Event !== 'undefined' && event instanceof Event && 'error' in event && event.error !== undefined)
    return event.error;
  return event;
}
