// Across processes: a producer and three workers share one Redis consumer group; one worker is
// killed with SIGKILL mid-run, the others claim what it had in flight, and the tally shows that
// nothing was lost and how many jobs ran twice (at most what the killed worker had in flight).
// Run: npx tsx examples/distributed.ts   (needs Redis at 127.0.0.1:6379)
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';

const JOBS = 3000;
const stream = `sluice-distributed-${process.pid}`;
const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, retryStrategy: () => null });
const reachable = await redis.connect().then(
  () => true,
  () => false,
);
if (!reachable) {
  console.log('Redis is not reachable at 127.0.0.1:6379. Start one with:');
  console.log('  docker run --rm -p 6379:6379 redis:7    (or: redis-server --port 6379)');
  process.exit(process.env.SLUICE_BROKERS === 'require' ? 1 : 0);
}
const run = (...args: string[]): ChildProcess =>
  spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./distributed-worker.ts', import.meta.url).pathname, ...args],
    { stdio: 'inherit' },
  );
const until = async (test: () => Promise<boolean>): Promise<void> => {
  while (!(await test())) await new Promise((resolve) => setTimeout(resolve, 50));
};
const done = async (): Promise<number> => redis.hlen(`${stream}:done`);

try {
  const workers = ['w1', 'w2', 'w3'].map((name) => run('worker', stream, name));
  await once(run('producer', stream, String(JOBS)), 'exit');
  await until(async () => (await done()) >= JOBS / 4);
  workers[0]!.kill('SIGKILL'); // w1 dies with jobs in flight: never acknowledged, so claimed by w2, w3
  console.log('w1: killed with SIGKILL');
  await until(async () => (await done()) === JOBS);
  const exits = workers.slice(1).map((worker) => once(worker, 'exit'));
  for (const worker of workers.slice(1)) worker.kill('SIGTERM'); // drain: finish, acknowledge, exit 0
  const codes = (await Promise.all(exits)).map(([code]) => code);
  const counts = Object.values(await redis.hgetall(`${stream}:done`)).map(Number);
  const twice = counts.filter((count) => count > 1).length;
  const pending = ((await redis.call('XPENDING', stream, 'workers')) as [number])[0];
  const lost = JOBS - counts.length;
  console.log(`tally: ${JOBS} jobs, ${counts.length} processed, ${lost} lost, ${twice} processed twice`);
  console.log(
    `(at most 16, what w1 had in flight), ${pending} left pending, survivors exited ${codes.join(', ')}`,
  );
  if (lost !== 0 || twice > 16 || codes.some((code) => code !== 0)) process.exitCode = 1;
} finally {
  await redis.del(stream, `${stream}:done`);
  await redis.quit();
}
