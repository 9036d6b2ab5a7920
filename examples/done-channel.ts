// The done-channel pattern: a worker that stops when its signal aborts.
//
//   func doWork(done <-chan interface{}, strings <-chan string) <-chan interface{} {
//       terminated := make(chan interface{})
//       go func() {
//           defer fmt.Println("doWork exited.")
//           defer close(terminated)
//           for { select { case s := <-strings: fmt.Println(s); case <-done: return } }
//       }()
//       return terminated
//   }
//
// In sluice the AbortSignal is `done`, and the promise `forEach` returns is `terminated`.
import { forEach, type Source } from 'sluice';

function doWork(strings: Source<string>, signal: AbortSignal): Promise<void> {
  return forEach(strings, (s) => console.log(s), { signal })
    .catch((error: unknown) => {
      if (!signal.aborted) throw error; // a real failure, not our cancellation
    })
    .finally(() => console.log('doWork exited.'));
}

// Go passes a nil channel, which never delivers: here, a source whose next() never settles.
const nilChannel: AsyncIterable<string> = {
  [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<string>>(() => {}) }),
};

const done = new AbortController();
const terminated = doWork(nilChannel, done.signal);
setTimeout(() => {
  console.log('Canceling doWork goroutine...');
  done.abort();
}, 1000);
await terminated;
console.log('Done.');
