// A process of examples/distributed.ts: `producer <stream> <n>` writes n jobs; `worker <stream> <name>`
// processes jobs as one consumer of the group "workers", each acknowledged only once processed.
// SIGTERM drains (stop reading, finish and acknowledge what was read, exit 0); SIGINT stops hard
// (nothing unfinished is acknowledged: the others claim it).
import { Redis } from 'ioredis';
import { forEach, parallelMap, pipe, range } from '../lib/index.js';
import { fromRedisStream, writeRedisStream } from '../lib/redis/index.js';

const [role, stream, arg] = process.argv.slice(2) as [string, string, string];
const redis = new Redis({ host: '127.0.0.1', port: 6379 });

if (role === 'producer') {
  const { written } = await writeRedisStream(range(0, Number(arg)), redis, { stream });
  console.log(`producer: wrote ${written} jobs`);
} else {
  const drain = new AbortController();
  const stop = new AbortController();
  process.once('SIGTERM', () => drain.abort());
  process.once('SIGINT', () => stop.abort());
  const jobs = fromRedisStream<number>(redis, {
    stream,
    group: 'workers',
    consumer: arg,
    ack: 'auto',
    count: 16,
    block: 200,
    claimIdleMs: 1000, // a dead worker's jobs are taken over after a second
    drain: drain.signal,
  });
  const work = parallelMap(
    async (job: number, { signal }) => {
      await new Promise((resolve) => setTimeout(resolve, 2 + (job % 5)));
      signal.throwIfAborted();
      await redis.hincrby(`${stream}:done`, String(job), 1); // the job's effect: counted per job
      return job;
    },
    { concurrency: 8, ordered: false },
  );
  let processed = 0;
  await forEach(pipe(jobs, work), () => void processed++, { signal: stop.signal }).catch((error) => {
    if (!stop.signal.aborted) throw error;
  });
  console.log(`${arg}: processed ${processed} jobs, ${drain.signal.aborted ? 'drained' : 'stopped'}`);
}
await redis.quit();
