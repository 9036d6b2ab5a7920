// Fan-in: merge several result streams into one.
//
//   func fanIn(done <-chan interface{}, channels ...<-chan interface{}) <-chan interface{} {
//       var wg sync.WaitGroup
//       multiplexedStream := make(chan interface{})
//       multiplex := func(c <-chan interface{}) {
//           defer wg.Done()
//           for i := range c { select { case <-done: return; case multiplexedStream <- i: } }
//       }
//       ... go multiplex(c) for each c; go func() { wg.Wait(); close(multiplexedStream) }()
//   }
//
// `merge` is fanIn: one pending read per source (the unbuffered send), fair, and `done` is an
// AbortSignal. Ending the loop returns every source; a generator caught waiting inside an
// `await` cannot be interrupted by return(), so each sensor also waits on `done` itself.
import { after, merge, pipe, take, type Source } from 'sluice';

/** A sensor that reports every `ms` milliseconds until `done` aborts. */
async function* sensor(name: string, ms: number, done: AbortSignal): AsyncGenerator<string> {
  try {
    for (let reading = 1; ; reading++) {
      await after(ms, { signal: done });
      yield `${name} #${reading}`;
    }
  } finally {
    console.log(`  ${name} stopped`);
  }
}

const done = new AbortController();
const sensors: Source<string>[] = [
  sensor('thermometer', 30, done.signal),
  sensor('barometer', 50, done.signal),
  sensor('hygrometer', 70, done.signal),
];
try {
  for await (const reading of pipe(merge(...sensors), take(10), { signal: done.signal }))
    console.log(reading);
} finally {
  done.abort(); // close(done): the sensors still waiting stop too
}
console.log('fan-in done');
