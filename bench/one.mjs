// Runs one contender of one workload in this fresh process and prints its timing as JSON.
import { performance } from 'node:perf_hooks';

const [workload, contender] = process.argv.slice(2);
const workloads = await import('./contenders.mjs');
const run = workloads[workload]?.[contender];
if (!run) throw new TypeError(`Unknown workload/contender: ${workload}/${contender}`);

await workloads.prepare?.[workload]?.();
const start = performance.now();
const result = await run();
const ms = performance.now() - start;
const items = workloads.ITEMS[workload];
process.stdout.write(
  JSON.stringify({ workload, contender, ms, itemsPerSecond: (items / ms) * 1000, result }) + '\n',
);
