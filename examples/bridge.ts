// The bridge channel: read a stream of streams as one stream, in order.
//
//   bridge := func(done <-chan interface{}, chanStream <-chan <-chan interface{}) <-chan interface{} {
//       valStream := make(chan interface{})
//       go func() {
//           defer close(valStream)
//           for {
//               var stream <-chan interface{}
//               select { case maybeStream, ok := <-chanStream: if !ok { return }; stream = maybeStream
//                        case <-done: return }
//               for val := range orDone(done, stream) { select { case valStream <- val: case <-done: } }
//           }
//       }()
//       return valStream
//   }
//
// `flatten()` is bridge; `mergeAll({ concurrency })` reads several inner streams at once.
import { collect, flatten, map, mergeAll, pipe, range } from 'sluice';

/** A paginated API: page n holds three items. */
async function* fetchPage(page: number): AsyncGenerator<string> {
  for (let item = 0; item < 3; item++) yield `page ${page} item ${item}`;
}

const signal = AbortSignal.timeout(5_000);
const inOrder = await collect(pipe(range(1, 4), map(fetchPage), flatten()), { signal });
console.log('flatten (in order):', inOrder);

const interleaved = await collect(pipe(range(1, 4), map(fetchPage), mergeAll({ concurrency: 3 })), {
  signal,
});
console.log('mergeAll (as they arrive):', interleaved);
