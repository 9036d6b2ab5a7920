// The README's ten-line pipeline: numbers → squares of the odd ones, four at a time, first five.
import { collect, filter, parallelMap, pipe, range, take } from 'sluice';

const signal = AbortSignal.timeout(5_000); // the done channel of the whole pipeline
const squares = pipe(
  range(0, Infinity),
  filter((n) => n % 2 === 1),
  parallelMap(async (n) => n * n, { concurrency: 4 }),
  take(5),
  { signal },
);
console.log(await collect(squares)); // [ 1, 9, 25, 49, 81 ]
