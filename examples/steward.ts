// The book's steward: it starts a ward, watches its pulse, and restarts it when it goes quiet.
//
//   startGoroutineFn := newSteward(4*time.Second, doWorkFn)
//   ... if the ward sends no pulse within timeout:
//       log.Println("steward: ward unhealthy; restarting")
//       close(wardDone); wardHeartbeat = startWard()
//
// In sluice the ward is a stage and `supervise` is the steward: a stage that fails, or yields
// nothing for `timeout` ms, has its signal aborted and a fresh one takes over the rest of the
// source, starting with the item the old one was working on.
import { after, collect, map, pipe, range, supervise } from 'sluice';

let wards = 0;
const tried = new Set<number>();

// A flaky ward: on its first try of 3 it hangs (until aborted), on its first try of 6 it fails.
function startWard() {
  console.log(wards++ === 0 ? 'steward: starting ward' : 'steward: ward unhealthy; restarting');
  return map(async (n: number, { signal }) => {
    const first = !tried.has(n);
    tried.add(n);
    if (first && n === 3) await after(60_000, { signal });
    if (first && n === 6) throw new Error(`ward failed on ${n}`);
    await after(20, { signal });
    return n * n;
  });
}

const squares = await collect(
  pipe(range(0, 8), supervise(startWard, { timeout: 300, maxRestarts: 3, backoff: (n) => 50 * n })),
);
console.log('squares:', squares.join(' '));
console.log(`Done, with ${wards - 1} restarts and no item lost.`);
