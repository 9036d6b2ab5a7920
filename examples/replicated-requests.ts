// Replicated requests: ask several replicas, take the first answer, cancel the rest.
//
//   ctx, cancel := context.WithCancel(ctx); defer cancel()
//   for i := range replicas { go doWork(ctx, i, result) }
//   first := <-result
//   cancel()
import { after, race, retry } from 'sluice';

function replica(id: number, latency: number) {
  return async (signal: AbortSignal): Promise<string> => {
    try {
      await after(latency, { signal }); // stands in for a network call
      return `replica ${id} answered in ${latency} ms`;
    } catch (error) {
      console.log(`replica ${id} cancelled`);
      throw error;
    }
  };
}

const latencies = [120, 30, 80, 200];
const signal = AbortSignal.timeout(2_000);
console.log(
  await race(
    latencies.map((ms, id) => replica(id, ms)),
    { signal },
  ),
);

// Combined with retry: a flaky replica set is tried again with backoff.
let round = 0;
const answer = await retry(
  (signal) => {
    round++;
    return race(
      latencies.map((ms, id) => async (taskSignal: AbortSignal) => {
        await after(ms / 10, { signal: taskSignal });
        if (round < 2) throw new Error(`replica ${id} busy`);
        return `round ${round}: replica ${id}`;
      }),
      { signal },
    );
  },
  { minDelay: 10, signal },
);
console.log(answer);
