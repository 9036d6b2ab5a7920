// The broker part of `npm run demo`: examples/distributed.ts (three workers over one Redis consumer
// group, one killed with SIGKILL) when Redis is reachable; otherwise how to start one.
import { spawnSync } from 'node:child_process';

export function demoDistributed() {
  console.log('\n=== Across processes: Redis Streams, one worker SIGKILLed (examples/distributed.ts) ===');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/distributed.ts', '--auto'], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`examples/distributed.ts failed with exit code ${run.status}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) demoDistributed();
