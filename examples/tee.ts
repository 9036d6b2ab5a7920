// Tee: every consumer sees every reading, and the fast one waits for the slow one.
//
//   func tee(done <-chan struct{}, in <-chan int) (<-chan int, <-chan int) {
//       out1, out2 := make(chan int), make(chan int)
//       go func() {
//           defer close(out1); defer close(out2)
//           for v := range orDone(done, in) {
//               var out1, out2 = out1, out2
//               for i := 0; i < 2; i++ {
//                   select { case <-done: return; case out1 <- v: out1 = nil; case out2 <- v: out2 = nil }
//               }
//           }
//       }()
//       return out1, out2
//   }
//
// Go's tee sends each value to both outputs before reading the next: the fast reader waits for
// the slow one. `capacity` lets the fast one run that many items ahead, and never more; memory
// is bounded by it, unlike WHATWG tee(). Aborting `done` stops both readers and the source.
import { after, forEach, range, tee } from 'sluice';

const done = new AbortController();
const [toLog, toStats] = tee(range(1, 11), 2, { capacity: 2, signal: done.signal });

let logged = 0;
let total = 0;
await Promise.all([
  forEach(toLog, (reading) => {
    logged = reading;
    console.log(`log:   reading ${reading}`);
  }),
  forEach(toStats, async (reading, { signal }) => {
    await after(10, { signal }); // the slow consumer
    total += reading;
    console.log(`stats: reading ${reading}, log is ${logged - reading} ahead, total ${total}`);
  }),
]);
console.log(`sum of readings: ${total}`);
