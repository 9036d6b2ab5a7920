import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransferListItem, Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { onAbort } from '../util/abort.js';
import { implStage } from '../core/define-stage.js';
import { release, track } from '../util/registry.js';
import { assertBoolean, assertCount, assertFunction, assertOptions, describe } from '../util/validate.js';
import { parallelMap } from './parallel-map.js';
import { reviveWorkerError } from './worker-error.js';
import { callLeased, type Carried } from '../core/lease.js';
import type { CallbackContext, Stage } from '../core/types.js';

/** Options of `workerMap`. */
export interface WorkerMapOptions<I> {
  /** Worker threads in the pool, and most values in flight. @default os.availableParallelism() */
  concurrency?: number | undefined;
  /** Yield in input order (true) or in completion order (false). @default true */
  ordered?: boolean | undefined;
  /** The worker module's export to call; CommonJS `module.exports = fn` works too. @default 'default' */
  exportName?: string | undefined;
  /**
   * Buffers to move to the worker instead of copying; they are detached on this side once sent.
   * Node's `TransferListItem` (an `ArrayBuffer`, a `MessagePort`…) or a typed array's `buffer`.
   */
  transfer?: ((value: I) => readonly (TransferListItem | ArrayBufferLike)[]) | undefined;
}

/**
 * `parallelMap` on worker threads: sends each value to a pool of `concurrency` threads running the
 * worker module's export (`default`, or `exportName`; sync or async, called with the value alone)
 * and yields the results, in input order unless `ordered: false`. Values and results are copied by
 * structured clone, or moved with `transfer`.
 *
 * `worker` is a `file:` URL (a `URL` or a string) or a path; a relative path is resolved against
 * `process.cwd()`, not against the calling file. A missing file throws a `TypeError` when the stage is
 * built; a module that does not export a function fails the stage with a `TypeError` on first use.
 *
 * Threads start on demand once iteration starts; the pool is destroyed, and every thread has exited,
 * before the stage ends however it ends. Reads at most `concurrency` items ahead; the pool's own queue
 * is capped at `concurrency` and never holds more, as no more tasks are ever in flight. The first
 * error ends the stage; a worker's error keeps its `name`, `message`, `stack`, `cause`, `code`,
 * `errno`, `syscall`, `path` and other own enumerable fields (a custom class arrives as an `Error`
 * with the same `name`; the built-in classes as themselves). Abort and `break` drop queued
 * tasks and terminate the threads running the others: the worker function gets no signal (it cannot
 * cross threads), and a synchronous task could not observe one mid-call anyway, so it is killed, not
 * asked to stop; an async task is killed too and its `finally` does not run. The abort's rejection
 * comes once the killed threads have exited, a few milliseconds. A killed thread is replaced only
 * when a new task needs one.
 *
 * A `.ts` worker loads when the process runs under tsx (`npx tsx`, `node --import tsx`): threads
 * inherit its loader through `process.execArgv`, at a cost of some 300 ms per thread start. In
 * production, point at the built `.js`.
 *
 * @example
 * pipe(files, workerMap(new URL('./hash-worker.mjs', import.meta.url), { concurrency: 4 }));
 */
export function workerMap<I = unknown, O = unknown>(
  worker: string | URL,
  options: WorkerMapOptions<I> = {},
): Stage<I, O> {
  const filename = resolveWorker(worker);
  assertOptions('options', options);
  const { concurrency = availableParallelism(), ordered = true, exportName = 'default', transfer } = options;
  assertCount('concurrency', concurrency, 1);
  assertBoolean('ordered', ordered);
  if (typeof exportName !== 'string' || exportName === '')
    throw new TypeError(`Expected \`exportName\` to be a non-empty string, got ${describe(exportName)}`);
  if (transfer !== undefined) assertFunction('transfer', transfer);
  loadPiscina().catch(() => undefined); // a load failure surfaces when the stage starts
  const settings = { filename, concurrency, ordered, exportName, transfer };
  return implStage(
    (source, { signal }) => run<I, O>(source, signal, settings),
    // Carrying acknowledgements, each output keeps the lease of the input it was made from.
    () => [implStage((source, { signal }) => run<I, O>(source, signal, { ...settings, carried: true }))],
  );
}

// What each thread runs: it calls the user's module and serializes what it throws (worker-entry.cjs).
// Beside this file in lib/ and dist/cjs; build.mjs rewrites `__dirname` for dist/esm.
const WORKER_ENTRY = join(__dirname, 'worker-entry.cjs');

// piscina is loaded when the first workerMap stage is built, not when sluice is imported: it is
// about half of sluice's load time, and most pipelines never start a thread.
let piscina: Promise<typeof import('piscina')> | undefined;
function loadPiscina(): Promise<typeof import('piscina')> {
  piscina ??= import('piscina');
  return piscina;
}

/** Waits for `promise`, or rejects with `signal.reason` the moment the signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const removeListener = onAbort(signal, () => reject(signal.reason), 'workerMap start');
    promise.then(resolve, reject).finally(removeListener);
  });
}

function resolveWorker(worker: unknown): string {
  const url =
    worker instanceof URL
      ? worker
      : typeof worker === 'string' && worker.startsWith('file:')
        ? new URL(worker)
        : undefined;
  if (url?.protocol !== undefined && url.protocol !== 'file:')
    throw new TypeError(`Expected \`worker\` to be a file: URL, got ${describe(url.href)}`);
  if (url === undefined && (typeof worker !== 'string' || worker === ''))
    throw new TypeError(`Expected \`worker\` to be a module path or file: URL, got ${describe(worker)}`);
  const filename = url ? fileURLToPath(url) : resolve(process.cwd(), worker as string);
  if (!existsSync(filename))
    throw new TypeError(`Expected \`worker\` to be an existing module file, got ${describe(filename)}`);
  return filename;
}

interface RunOptions<I> {
  filename: string;
  concurrency: number;
  ordered: boolean;
  exportName: string;
  transfer: ((value: I) => readonly (TransferListItem | ArrayBufferLike)[]) | undefined;
  /** The values come as `Carried` (`ack: 'auto'`): each result goes on with its input's lease. */
  carried?: boolean;
}

async function* run<I, O>(
  source: AsyncIterable<I>,
  signal: AbortSignal,
  { filename, concurrency, ordered, exportName, transfer, carried }: RunOptions<I>,
): AsyncGenerator<O> {
  const { Piscina: Pool } = await abortable(loadPiscina(), signal);
  // The inner pipeline's done channel: the pipeline's abort, or a thread crashing between tasks.
  const inner = new AbortController();
  const removeListener = onAbort(signal, () => inner.abort(signal.reason), 'workerMap');
  // minThreads 0: a thread killed by an abort is not respawned just to be destroyed.
  const pool = new Pool({
    filename: WORKER_ENTRY,
    workerData: { filename, exportName },
    minThreads: 0,
    maxThreads: concurrency,
    maxQueue: concurrency,
    idleTimeout: Infinity,
  });
  const threads = watchThreads(pool, filename);
  pool.on('error', (error: unknown) => inner.abort(error));
  const call = async (value: I, { signal: callSignal }: CallbackContext): Promise<O> => {
    const task = pool.run(value, { signal: callSignal, transferList: transfer?.(value) as never });
    threads.scan();
    try {
      return (await task) as O;
    } catch (error) {
      // piscina wraps the reason in an AbortError of its own; the contract wants the reason itself.
      if (callSignal.aborted) throw callSignal.reason;
      throw explain(reviveWorkerError(error), filename, exportName);
    }
  };
  try {
    const fn = carried
      ? (c: Carried<I>, context: CallbackContext) =>
          callLeased(call, c, context, (value) => ({ value, lease: c.lease }))
      : call;
    yield* parallelMap(fn as typeof call, { concurrency, ordered })(source, { signal: inner.signal });
  } finally {
    removeListener();
    await threads.stop();
  }
}

/**
 * Enters the pool and each of its threads in the ledger, so the leak checker sees them, and waits for
 * every thread to exit on `stop()`: `pool.destroy()` waits only for the threads still in the pool, not
 * for those an abort already terminated.
 */
function watchThreads(pool: Piscina, filename: string): { scan(): void; stop(): Promise<void> } {
  const poolResource = track('worker', `workerMap pool (${filename})`);
  const seen = new WeakSet<Worker>();
  const exits: Promise<void>[] = [];
  const scan = (): void => {
    for (const thread of pool.threads) {
      // threadId is -1 once the thread has exited: its 'exit' event would never come.
      if (seen.has(thread) || thread.threadId === -1) continue;
      seen.add(thread);
      const resource = track('worker', `workerMap thread ${thread.threadId} (${filename})`);
      exits.push(new Promise((done) => thread.once('exit', () => (release(resource), done()))));
    }
  };
  pool.on('workerCreate', scan);
  pool.on('workerDestroy', scan);
  return {
    scan,
    async stop() {
      scan();
      await pool.destroy();
      await Promise.all(exits);
      release(poolResource);
    },
  };
}

/** piscina reports a missing export as a plain Error from inside the thread; say what was expected. */
function explain(error: unknown, filename: string, exportName: string): unknown {
  // Not `instanceof Error`: the error was cloned in Node's own realm, which a jest sandbox is not.
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message.startsWith('No handler function exported from')) {
    const where =
      exportName === 'default' ? 'a default export or `module.exports`' : `the export \`${exportName}\``;
    return new TypeError(`Expected the worker module ${describe(filename)} to have a function as ${where}`, {
      cause: error,
    });
  }
  return error;
}
