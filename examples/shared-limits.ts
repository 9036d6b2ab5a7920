// Limits shared across a service: a connection pool, one API budget, and one fetch per key.
//
//   sem := semaphore.NewWeighted(2)              // at most 2 queries at once
//   lim := rate.NewLimiter(Per(5, time.Second), 5) // 5 API calls a second, all callers together
//   var g singleflight.Group                      // one load per user, however many ask
//   v, err, _ := g.Do(key, func() (interface{}, error) { sem.Acquire(ctx, 1); defer sem.Release(1); ... })
//
// Time is scaled down so the example runs in about a second.
import { after, collect, parallelMap, pipe, rateLimit, RateLimiter, Semaphore, SingleFlight } from 'sluice';

const pool = new Semaphore(2);
const api = new RateLimiter({ limit: 5, interval: 500 });
const users = new SingleFlight();
let loads = 0;
let running = 0;
let peak = 0;

async function loadUser(id: number, signal: AbortSignal): Promise<string> {
  return users.do(
    id,
    (runSignal) =>
      pool.run(
        async (querySignal) => {
          loads++;
          peak = Math.max(peak, ++running);
          await after(50, { signal: querySignal }).finally(() => running--); // the query
          return `user ${id}`;
        },
        { signal: runSignal },
      ),
    { signal },
  );
}

const signal = AbortSignal.timeout(5_000);
// Twelve requests for four users: the limiter spaces them, the flights share loads per user.
const requests = [1, 2, 1, 3, 2, 1, 4, 4, 3, 2, 1, 4];
const names = await collect(
  pipe(
    requests,
    rateLimit({ limiter: api }),
    parallelMap((id, { signal }) => loadUser(id, signal), { concurrency: 4 }),
  ),
  { signal },
);
console.log(names.join(', '));
console.log(`${requests.length} requests, ${loads} loads, at most ${peak} queries at once`);
