// `npm run demo`: runs the headline examples one after another, each as its own process.
import { spawnSync } from 'node:child_process';

const examples = [
  ['quick-start.ts', 'A ten-line pipeline'],
  ['done-channel.ts', 'The done channel: a worker that stops when its signal aborts'],
  ['sigint.ts', 'Ctrl-C: SIGINT aborts the pipeline, nothing is left running'],
  ['fan-out.ts', 'Fan-out: several workers range over one source'],
  ['fan-in.ts', 'Fan-in: merge several streams'],
  ['cpu-fan-out.ts', 'CPU fan-out: hash files on worker threads'],
];

for (const [file, title] of examples) {
  console.log(`\n=== ${title} (examples/${file}) ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`, '--auto'], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`examples/${file} failed with exit code ${run.status}`);
    process.exit(1);
  }
}

// Across processes (Redis), or how to start Redis when it is not reachable.
await import('./demo-distributed.mjs').then(({ demoDistributed }) => demoDistributed());
