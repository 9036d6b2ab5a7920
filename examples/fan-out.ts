// Fan-out, fan-in: several workers range over one stream of jobs, their results merged back.
//
//   jobs := gen(done, 1, 2, ..., 12)
//   workers := make([]<-chan string, 3)
//   for i := range workers { workers[i] = work(done, i, jobs) } // 3 goroutines, one channel
//   for r := range fanIn(done, workers...) { fmt.Println(r) }
//
// `split(jobs, 3)` is the one channel the three goroutines range over: each job goes to exactly
// one worker, whichever is free first, and the source is read only when a worker asks for a job.
// `merge` is fanIn. Aborting `done` stops the workers, the split and the source together.
import { after, map, merge, pipe, range, split } from 'sluice';

const done = new AbortController();
const jobs = range(1, 13);

const workers = split(jobs, 3, { signal: done.signal }).map((branch, worker) =>
  pipe(
    branch,
    map(async (job: number, { signal }) => {
      await after(20 * ((job % 3) + 1), { signal }); // some jobs are slower than others
      return `worker ${worker} did job ${job}`;
    }),
    { signal: done.signal },
  ),
);

const counts = [0, 0, 0];
for await (const result of merge(...workers)) {
  console.log(result);
  counts[Number(result.split(' ')[1])]++;
}
console.log(`jobs per worker: ${counts.join(', ')}`);
