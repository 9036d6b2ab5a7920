// workerMap benchmarks: CPU fan-out vs the main thread, per-item overhead vs piscina used directly,
// and copying vs transferring large buffers. Self-contained: npx tsx bench/cpu-fan-out.ts
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { drain, map, pipe, range, workerMap } from '../lib/index.js';

const WORKER = new URL('./cpu-worker.mjs', import.meta.url);
const RUNS = 3;

/** Median wall time of `RUNS` runs of `fn`, in ms. Each run includes pool start-up and teardown. */
async function time(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const rate = (items: number, ms: number): string =>
  `${Math.round((items / ms) * 1000).toLocaleString('en')} items/s`;
const ratio = (base: number, ms: number): string => `${(base / ms).toFixed(2)}× the main thread`;
const micros = (items: number, ms: number): string => `${((ms * 1000) / items).toFixed(1)} µs/item`;

/** The same CPU work as the worker's `burn`, for the main-thread baseline. */
function burn(ms: number): number {
  const end = performance.now() + ms;
  let turns = 0;
  while (performance.now() < end) turns++;
  return turns;
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${availableParallelism()} cores, median of ${RUNS}\n`);

  const CPU_ITEMS = 200;
  const CPU_MS = 5;
  const inline = await time(() =>
    drain(
      pipe(
        range(0, CPU_ITEMS),
        map(() => burn(CPU_MS)),
      ),
    ),
  );
  const runs: { total: number; first: number; last: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    let first = 0;
    let last = 0;
    const stage = workerMap(WORKER, { concurrency: 2, exportName: 'burn' });
    const stamp = () => ((last = performance.now() - start), (first ||= last));
    await drain(
      pipe(
        range(0, CPU_ITEMS),
        map(() => CPU_MS),
        stage,
        map(stamp),
      ),
    );
    runs.push({ total: performance.now() - start, first, last });
  }
  const threads = runs.sort((a, b) => a.total - b.total)[Math.floor(RUNS / 2)];
  const steady = threads.last - threads.first;
  const inlineSteady = (inline / CPU_ITEMS) * (CPU_ITEMS - 1);
  console.log(`${CPU_ITEMS} items × ${CPU_MS} ms of CPU`);
  console.log(`  main thread (map)          ${rate(CPU_ITEMS, inline)}`);
  console.log(
    `  workerMap, concurrency 2   ${rate(CPU_ITEMS, threads.total)} end to end (${ratio(inline, threads.total)})`,
  );
  console.log(`    first result after       ${threads.first.toFixed(0)} ms (threads starting)`);
  console.log(`    then                     ${rate(CPU_ITEMS - 1, steady)} (${ratio(inlineSteady, steady)})`);
  console.log(`    teardown                 ${(threads.total - threads.last).toFixed(0)} ms\n`);

  const TINY = 20_000;
  const echo = (ordered: boolean) => () =>
    drain(pipe(range(0, TINY), workerMap(WORKER, { concurrency: 2, ordered, exportName: 'echo' })));
  const direct = (window: number) => async () => {
    const pool = new Piscina({ filename: WORKER.href, name: 'echo', minThreads: 2, maxThreads: 2 });
    let next = 0;
    const lane = async () => {
      while (next < TINY) await pool.run(next++);
    };
    await Promise.all(Array.from({ length: window }, lane));
    await pool.destroy();
  };
  console.log(`${TINY.toLocaleString('en')} tiny tasks (echo), 2 threads`);
  console.log(`  workerMap, ordered         ${micros(TINY, await time(echo(true)))}`);
  console.log(`  workerMap, unordered       ${micros(TINY, await time(echo(false)))}`);
  console.log(`  piscina, 2 in flight       ${micros(TINY, await time(direct(2)))}`);
  console.log(`  piscina, 64 in flight      ${micros(TINY, await time(direct(64)))}\n`);

  const BUFFERS = 200;
  const SIZE = 2 ** 20;
  const buffers = (transfer: boolean) => () =>
    drain(
      pipe(
        range(0, BUFFERS),
        map(() => new Uint8Array(SIZE)),
        workerMap<Uint8Array, number>(WORKER, {
          concurrency: 2,
          exportName: 'byteLength',
          transfer: transfer ? (bytes) => [bytes.buffer] : undefined,
        }),
      ),
    );
  const copied = await time(buffers(false));
  const moved = await time(buffers(true));
  console.log(`${BUFFERS} × 1 MiB buffers`);
  console.log(`  copied                     ${rate(BUFFERS, copied)}`);
  console.log(
    `  transferred                ${rate(BUFFERS, moved)}  (${(copied / moved).toFixed(2)}× faster)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
