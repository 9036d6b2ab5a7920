// Workload 7: peak RSS growth while 10,000,000 items run through a five-stage pipeline into a
// slow consumer (it yields to the event loop every 100 items). Bounded stages keep memory flat.
import * as sluice from '../dist/esm/index.js';

const ITEMS = Number(process.env.MEMORY_ITEMS ?? 10_000_000);
const MiB = 1024 * 1024;

async function* numbers(n) {
  for (let i = 0; i < n; i++) yield i;
}

const pipeline = sluice.pipe(
  numbers(ITEMS),
  sluice.map((x) => x * 2),
  sluice.filter((x) => x % 3 !== 0),
  sluice.parallelMap((x) => x + 1, { concurrency: 8 }),
  sluice.buffer(64),
  sluice.map((x) => ({ value: x })),
);

let baseline = 0;
let peak = 0;
let seen = 0;
for await (const item of pipeline) {
  seen++;
  if (item.value < 0) throw new Error('unreachable');
  if (seen % 100 === 0) await new Promise((resolve) => setImmediate(resolve)); // the slow consumer
  if (seen % 100_000 === 0) {
    const rss = process.memoryUsage.rss();
    if (seen === 100_000) baseline = rss;
    peak = Math.max(peak, rss);
  }
}
const growth = (peak - baseline) / MiB;
console.log(
  JSON.stringify({
    items: ITEMS,
    yielded: seen,
    baselineMiB: baseline / MiB,
    peakMiB: peak / MiB,
    growthMiB: growth,
  }),
);
if (growth >= 32) process.exitCode = 1;
