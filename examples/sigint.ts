// A pipeline cancelled by Ctrl-C: SIGINT aborts the controller whose signal is the pipeline's
// done channel; every stage stops, and the leak checker proves nothing is left running.
// Run without a terminal (CI, `npm run demo`), it sends itself SIGINT after a few items.
import { interval, map, parallelMap, pipe, tap } from 'sluice';
import { LeakScope } from 'sluice/testing';

const scope = new LeakScope();
const controller = new AbortController();
const onSigint = (): void => controller.abort(new Error('interrupted by SIGINT'));
process.once('SIGINT', onSigint);
const selfInterrupt = !process.stdin.isTTY || process.argv.includes('--auto');

try {
  const squares = pipe(
    interval(100),
    map((tick) => tick + 1),
    parallelMap(async (n, { signal }) => (await fakeLookup(n, signal)) * n, { concurrency: 4 }),
    tap((_n, { index }) => {
      if (selfInterrupt && index === 5) process.kill(process.pid, 'SIGINT');
    }),
    { signal: controller.signal },
  );
  console.log(
    selfInterrupt ? 'Running; interrupting itself after 6 items…' : 'Running; press Ctrl-C to stop.',
  );
  for await (const n of squares) console.log('square', n);
} catch (error) {
  if (!controller.signal.aborted) throw error;
  console.log(`Stopped: ${(controller.signal.reason as Error).message}`);
} finally {
  process.off('SIGINT', onSigint);
}
await scope.check(); // throws a LeakError if any stage, timer or listener were still alive
console.log('Nothing left running.');

/** Stands in for I/O that honours its signal. */
function fakeLookup(n: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(n), 10);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
