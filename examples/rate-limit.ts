// The book's multi-tier rate limiter: a per-second and a per-minute limit, both enforced.
//
//   secondLimit := rate.NewLimiter(Per(2, time.Second), 1)   // 2 a second, no burst
//   minuteLimit := rate.NewLimiter(Per(10, time.Minute), 10) // 10 a minute, burst of 10
//   return &APIConnection{rateLimiter: MultiLimiter(secondLimit, minuteLimit)}
//
// In sluice each limiter is a stage, and chaining the stages is MultiLimiter. Time is scaled
// down so the example runs in about two seconds: 2 per 200 ms, and 6 per second.
import { after, forEach, map, pipe, range, rateLimit } from 'sluice';

const start = Date.now();
const requests = pipe(
  range(0, 10),
  rateLimit({ limit: 2, interval: 200, burst: 1 }), // the "per second" tier: one every 100 ms
  rateLimit({ limit: 6, interval: 1_000 }), // the "per minute" tier: 6 in any second
  map(async (n, { signal }) => {
    await after(5, { signal }); // the API call
    return n;
  }),
);

await forEach(requests, (n) => {
  console.log(`${String(Date.now() - start).padStart(5)} ms  request ${n} done`);
});
console.log('Done: no second saw more than 6 requests, no 200 ms more than 2.');
