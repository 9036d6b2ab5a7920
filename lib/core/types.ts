/** What a stage, a source and a callback are given: the pipeline's done channel. */
export interface StageContext {
  readonly signal: AbortSignal;
}

/** What a callback passed to `map`, `filter`, `parallelMap`… receives beside the value. */
export interface CallbackContext {
  /** Aborts when the callback's result is no longer wanted (break, abort, a sibling's error). */
  readonly signal: AbortSignal;
  /** Zero-based position of the value in the stage's input. */
  readonly index: number;
  /**
   * In a pipeline over a broker source with `ack: 'auto'` (`sluice/redis`, `sluice/nats`): the
   * message the value came from; undefined for a batch (see `messages`) and everywhere else.
   */
  readonly message?: Message<unknown> | undefined;
  /** With `ack: 'auto'`: every message the value came from (a batch's, say). */
  readonly messages?: readonly Message<unknown>[] | undefined;
}

/**
 * A message from a broker, as `fromRedisStream` and `fromJetStream` yield it (`ack: 'manual'`), or
 * as callbacks see it on `context.message` (`ack: 'auto'`).
 */
export interface Message<T> {
  /** The broker's id: the Redis entry id, or the JetStream stream sequence as a string. */
  readonly id: string;
  readonly value: T;
  /** How many times the broker has delivered it, this time included (1 the first time). */
  readonly deliveries: number;
  /** Acknowledges it: it is never delivered again. Idempotent: the first `ack`/`nak` wins. */
  ack(): Promise<void>;
  /** Gives it back to be delivered again, after `delay` ms if given. Idempotent likewise. */
  nak(options?: { delay?: number | undefined }): Promise<void>;
  /**
   * Aborts when the pipeline stops (abort, `break`, an error), when the message is given back
   * (`nak`, a failed callback with `ack: 'auto'`) or when its lease is lost; never once acknowledged.
   */
  readonly signal: AbortSignal;
}

/**
 * A pipeline stage: reads one async iterable, yields another. Any function of this shape is a
 * stage, so every operator of `ix/asynciterable/operators` is one.
 */
export type Stage<I, O> = (source: AsyncIterable<I>, context: StageContext) => AsyncIterable<O>;

/** A minimal structural view of Node's `Readable`, so the types need no `@types/node` import. */
export interface NodeReadableLike<T = unknown> extends AsyncIterable<T> {
  readonly readable: boolean;
  /** Present on every Node `Readable`; with `readable`, what tells one apart from other iterables. */
  pipe: (...args: any[]) => unknown;
}

/** Everything `from` and `pipe` accept as a source. */
export type Source<T> =
  AsyncIterable<T> | Iterable<T | PromiseLike<T>> | ReadableStream<T> | NodeReadableLike<T>;

/** Options of every sink and wait: the done channel. */
export interface SignalOptions {
  /** Aborting it stops the work and rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/**
 * What a full buffer does with a new value: `'block'` makes the writer wait; `'drop-newest'`
 * drops the new value; `'drop-oldest'` drops the oldest buffered one to make room (with capacity
 * 1, the latest value wins: Kotlin's `conflate`). A dropping buffer never blocks its writer, and
 * every drop is counted or reported.
 */
export type Overflow = 'block' | DropPolicy;

/** The overflow policies that drop a value instead of waiting. */
export type DropPolicy = 'drop-newest' | 'drop-oldest';

/** An error turned into a value (the article's `Result`). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A callback as `map`, `filter`, `tap` and `forEach` call it. */
export type Callback<T, R> = (value: T, context: CallbackContext) => R | PromiseLike<R>;

/**
 * `n` copies of `T` as a tuple when `N` is a literal (`Outputs<Branch<number>, 2>` is
 * `[Branch<number>, Branch<number>]`), so `const [a, b] = tee(source, 2)` needs no `!` under
 * `noUncheckedIndexedAccess`; a plain `T[]` when `N` is `number`, or a literal above 64.
 *
 * @example
 * const pair: Outputs<string, 2> = ['left', 'right'];
 */
export type Outputs<T, N extends number> = N extends number
  ? number extends N
    ? T[]
    : BuildOutputs<T, N, []>
  : never;

type BuildOutputs<T, N extends number, Acc extends T[]> = Acc['length'] extends N
  ? Acc
  : Acc['length'] extends 64
    ? T[]
    : BuildOutputs<T, N, [...Acc, T]>;

/** What `heartbeat` yields: the source's values, tagged, with beats between them. */
export type Beat<T> = { type: 'value'; value: T } | { type: 'beat' };

/**
 * A task as `Group.go` runs it, like a Go function taking a `ctx`: given a signal of its own that
 * aborts with the group's signal.
 */
export type Task = (signal: AbortSignal) => unknown;

/** The value type of a source. */
export type SourceValue<S> = S extends Source<infer T> ? T : never;

/**
 * One output of `split` or `tee`: an async iterator that keeps the whole protocol — queued
 * `next()` calls, a `return()` that does not wait on a pending `next()`. It is its own iterator,
 * so it can be iterated once.
 */
export interface Branch<T> extends AsyncIterableIterator<T> {
  /** Stops reading this output; a pending `next()` resolves done, and it settles once cleanup is done. */
  return(): Promise<IteratorResult<T>>;
}

/** What `receive` resolves: a value, or `ok: false` once the channel is closed and drained. */
export type Received<T> = { value: T; ok: true } | { value: undefined; ok: false };

/** A signal that can be let go of: `dispose()` removes its listeners from the inputs. */
export interface DisposableSignal extends AbortSignal {
  /** Removes the listeners this signal holds on its inputs; calling it again is harmless. */
  dispose(): void;
  /** `dispose()`, for `using`. */
  [Symbol.dispose](): void;
}
