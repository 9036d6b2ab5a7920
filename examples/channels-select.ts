// Channels and select: a producer, a worker, and a quit channel (the book's for-select loop).
//
//   for {
//     select {
//     case n, ok := <-results: if !ok { return }; fmt.Println(n)
//     case <-time.After(time.Second): fmt.Println("slow")
//     case <-ctx.Done(): return
//     }
//   }
import { after, Channel, select } from 'sluice';

const controller = new AbortController();
const { signal } = controller;
const jobs = new Channel<number>(4);
const results = new Channel<string>();

async function produce(): Promise<void> {
  for (let n = 1; n <= 6; n++) await jobs.send(n, { signal });
  jobs.close();
}

async function work(): Promise<void> {
  for await (const n of jobs) await results.send(`${n}² = ${n * n}`, { signal });
  results.close();
}

async function consume(): Promise<void> {
  for (;;) {
    const timeout = new AbortController();
    const got = await select(
      { result: results.receiving(), slow: after(1_000, { signal: timeout.signal }), done: signal },
      { signal },
    ).finally(() => timeout.abort());
    if (got.case === 'done' || (got.case === 'result' && !got.ok)) return;
    console.log(got.case === 'result' ? got.value : 'still waiting…');
  }
}

await Promise.all([produce(), work(), consume()]);
console.log('all done; jobs closed:', jobs.closed);
