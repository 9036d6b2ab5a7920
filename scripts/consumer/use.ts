// Compiled by scripts/consumer-matrix.mjs against the packed tarball under every tsconfig of the
// matrix (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, no DOM lib…).
import {
  batch,
  Channel,
  collect,
  filter,
  forEach,
  Group,
  map,
  parallelMap,
  pipe,
  range,
  retry,
  select,
  split,
  tee,
  toReadable,
  workerMap,
  type Branch,
  type Stage,
} from 'sluice';
import { LeakScope } from 'sluice/testing';
import { dumpPipelines, livePipelines, Meter, named, watch, type MeterSnapshot } from 'sluice/inspect';

export async function main(maybeSignal: AbortSignal | undefined): Promise<number[]> {
  const scope = new LeakScope();
  // exactOptionalPropertyTypes: an optional option accepts a value that may be undefined.
  const signal = maybeSignal;
  const squares = pipe(
    range(0, Infinity),
    filter((n) => n % 2 === 1),
    parallelMap(async (n) => n * n, { concurrency: 4, ordered: undefined, timeout: undefined }),
    batch(2, { maxWait: undefined }),
    map((pair: number[]) => pair.length),
    { signal },
  );
  // noUncheckedIndexedAccess: tee and split return tuples for a literal n.
  const [toDisk, toStats] = tee(range(0, 3), 2, { signal, capacity: undefined });
  const [a, b, c] = split(range(0, 9), 3, { signal, by: undefined, capacity: undefined });
  const outputs: [Branch<number>, Branch<number>, Branch<number>] = [a, b, c];
  const some: Branch<number>[] = split(range(0, 9), Number('4'));
  await Promise.all([forEach(toDisk, () => undefined, { signal }), collect(toStats, { signal })]);
  await Promise.all(outputs.map((out) => collect(out)));
  await Promise.all(some.map((out) => collect(out)));
  const stage: Stage<number, string> = map((n: number) => String(n));
  const hashes = workerMap<Uint8Array, number>('./worker.js', {
    concurrency: undefined,
    exportName: undefined,
    transfer: (bytes) => [bytes.buffer],
  });
  void stage;
  void hashes;
  const group = new Group({ signal, limit: undefined });
  group.go(async () => undefined);
  await group.wait();
  await retry(async () => 1, { signal, retries: undefined, shouldRetry: undefined });
  const channel = new Channel<number>(1);
  await channel.send(1, { signal });
  const got = await select({ value: channel.receiving() }, { signal, default: undefined });
  void got;
  toReadable(range(0, 1), { signal, highWaterMark: undefined }).destroy();
  const meter = new Meter();
  const metered = pipe(
    range(0, 3),
    named(
      'double',
      map((n: number) => n * 2),
    ),
    {
      meter,
      signal,
      captureStacks: undefined,
    },
  );
  const watcher = watch(meter, { interval: undefined, output: undefined, signal });
  await collect(metered);
  await watcher;
  const snapshot: MeterSnapshot = meter.snapshot();
  const stateOfFirst: string | undefined = snapshot.stages[0]?.state;
  void [stateOfFirst, snapshot.bottleneck, dumpPipelines(), livePipelines()[0]?.stages];
  const out = await collect(squares, { signal });
  await scope.check();
  return out;
}
