// Reading a file line by line, with a graceful drain: the Go shape is bufio.Scanner feeding a
// worker pool, with a `shutdown` channel that stops the scanner while the workers finish.
//
//   scanner := bufio.NewScanner(file)
//   for scanner.Scan() { select { case <-shutdown: break loop; case jobs <- scanner.Text(): } }
//
// `lines()` is the scanner (bytes to lines, a UTF-8 character split across chunks joined, the
// file closed on any exit); `ndjson()` parses each line as JSON. `takeUntil(shutdown.signal)` is
// the graceful stop (Ctrl-C: calls in flight finish and are printed); the pipeline's `signal` is
// the hard one. `parallelMap`'s `key` keeps each user's events in order while users run in parallel.
import { createReadStream } from 'node:fs';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, lines, ndjson, parallelMap, pipe, reduce, takeUntil } from 'sluice';

interface Event {
  user: string;
  amount: number;
}

const file = join(tmpdir(), `sluice-example-${process.pid}.ndjson`);
const users = ['ana', 'bo', 'chen', 'dara'];
const events = Array.from({ length: 40 }, (_, i) => ({ user: users[i % 4], amount: (i * 7) % 13 }));
await writeFile(file, events.map((event) => JSON.stringify(event)).join('\n') + '\n\n');

const shutdown = new AbortController();
const hardStop = new AbortController();
process.once('SIGINT', () => (shutdown.signal.aborted ? hardStop.abort() : shutdown.abort()));

try {
  const lineCount = await reduce(pipe(createReadStream(file), lines()), (count) => count + 1, 0);
  console.log(`${lineCount} lines (one of them blank)`);

  const applied = pipe(
    createReadStream(file),
    ndjson<Event>(), // blank lines skipped
    takeUntil(shutdown.signal),
    parallelMap(
      async (event, { signal }) => {
        await after(5 + event.amount, { signal }); // a write to the user's account
        return event;
      },
      { concurrency: 8, key: (event) => event.user },
    ),
    { signal: hardStop.signal },
  );
  const totals = await reduce(
    applied,
    (sum, e) => ({ ...sum, [e.user]: (sum[e.user] ?? 0) + e.amount }),
    {} as Record<string, number>,
  );
  console.log('totals per user:', totals);
} finally {
  await rm(file, { force: true });
}
