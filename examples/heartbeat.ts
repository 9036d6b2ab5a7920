// The book's heartbeats: a consumer that can tell a slow worker from a dead one.
//
//   heartbeat, results := doWork(done, time.Second)
//   for {
//       select {
//       case _, ok := <-heartbeat: fmt.Println("pulse")
//       case r, ok := <-results:   fmt.Printf("results %v\n", r.Second())
//       case <-time.After(timeout): fmt.Println("worker goroutine is not healthy!"); return
//       }
//   }
//
// In sluice beats travel in band: `heartbeat(ms)` yields { type: 'beat' } while its source is
// silent, and { type: 'value', value } for each result. The consumer counts beats since the
// last result, and gives up (breaking stops the worker and its timers) after five.
import { after, heartbeat, pipe, repeatFn } from 'sluice';

// A worker that answers every 250 ms, three times, then hangs.
const worker = repeatFn(async ({ signal, index }) => {
  await after(index < 3 ? 250 : 60_000, { signal });
  return `result ${index}`;
});

let silentBeats = 0;
for await (const event of pipe(worker, heartbeat(100))) {
  if (event.type === 'value') {
    silentBeats = 0;
    console.log(event.value);
    continue;
  }
  console.log('pulse');
  if (++silentBeats === 5) {
    console.log('worker is not healthy: 5 beats without a result');
    break;
  }
}
console.log('Done.');
