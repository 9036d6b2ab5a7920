/**
 * Every hostile source of ../hostile.ts through every edge of sluice: each must fail with the
 * right error, accept what `for await` accepts, never hang and never leak an unhandled rejection.
 */
import {
  batch,
  buffer,
  catchError,
  collect,
  concat,
  drain,
  flatMap,
  flatten,
  forEach,
  groupBy,
  heartbeat,
  lines,
  map,
  merge,
  mergeAll,
  parallelMap,
  pipe,
  rateLimit,
  reduce,
  scan,
  split,
  supervise,
  switchMap,
  take,
  takeUntil,
  tap,
  tee,
  timeout,
  toReadable,
  toReadableStream,
  zip,
  type Beat,
} from '../../lib/index.js';
import { useLeakCheck } from '../../lib/testing/index.js';
import { describeHostileSources, type Edge } from '../hostile.js';

useLeakCheck();

const identity = (n: number): number => n;

/** Node 20's ReadableStream is async iterable; the DOM lib the project builds against does not say so. */
const asIterable = (stream: ReadableStream<number>): AsyncIterable<number> =>
  stream as unknown as AsyncIterable<number>;

const edges: Edge[] = [
  { name: 'pipe with map', open: (source, { signal }) => pipe(source, map(identity), { signal }) },
  { name: 'pipe with take', open: (source, { signal }) => pipe(source, take(1_000), { signal }) },
  {
    name: 'pipe with scan',
    open: (source, { signal }) =>
      pipe(
        source,
        scan((_acc: number, n: number) => n, 0),
        { signal },
      ),
  },
  {
    name: 'lines',
    open: (source, { signal }) =>
      pipe(
        source,
        map((n: number) => `${n}\n`),
        lines(),
        { signal },
      ),
    normalize: (values) => (values as string[]).map(Number),
  },
  { name: 'pipe alone', open: (source, { signal }) => pipe(source, { signal }) },
  { name: 'merge', open: (source, { signal }) => pipe(merge(source), { signal }) },
  { name: 'mergeAll', open: (source, { signal }) => pipe([source], mergeAll(), { signal }) },
  { name: 'flatten', open: (source, { signal }) => pipe([source], flatten(), { signal }) },
  { name: 'concat', open: (source, { signal }) => pipe(concat(source, []), { signal }) },
  {
    name: 'zip',
    open: (source, { signal }) => pipe(zip(source, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), { signal }),
    normalize: (values) => (values as [number, number][]).map(([n]) => n),
  },
  {
    name: 'flatMap',
    open: (source, { signal }) =>
      pipe(
        source,
        flatMap((n: number) => [n]),
        { signal },
      ),
  },
  {
    name: 'flatMap (inner source)',
    open: (source, { signal }) =>
      pipe(
        [0],
        flatMap(() => source),
        { signal },
      ),
  },
  {
    name: 'switchMap (inner source)',
    open: (source, { signal }) =>
      pipe(
        [0],
        switchMap(() => source),
        { signal },
      ),
  },
  {
    name: 'groupBy (one group)',
    open: (source, { signal }) =>
      pipe(
        source,
        groupBy(() => 0),
        map((group) => group.values),
        flatten(),
        { signal },
      ),
  },
  {
    name: 'takeUntil',
    open: (source, { signal }) => pipe(source, takeUntil(new AbortController().signal), { signal }),
  },
  {
    name: 'catchError',
    open: (source, { signal }) =>
      pipe(
        source,
        catchError((error) => {
          throw error;
        }),
        { signal },
      ),
  },
  { name: 'timeout', open: (source, { signal }) => pipe(source, timeout(60_000), { signal }) },
  { name: 'tee', open: (source, { signal }) => tee(source, 1, { signal })[0]! },
  { name: 'split', open: (source, { signal }) => split(source, 1, { signal })[0]! },
  {
    name: 'parallelMap (ordered)',
    open: (source, { signal }) =>
      pipe(
        source,
        parallelMap(async (n: number) => n, { concurrency: 3 }),
        { signal },
      ),
  },
  {
    name: 'parallelMap (unordered)',
    open: (source, { signal }) =>
      pipe(
        source,
        parallelMap(async (n: number) => n, { concurrency: 3, ordered: false }),
        { signal },
      ),
    normalize: (values) => (values as number[]).slice().sort((a, b) => a - b),
  },
  { name: 'buffer', open: (source, { signal }) => pipe(source, buffer(2), { signal }) },
  {
    name: 'batch',
    open: (source, { signal }) => pipe(source, batch(1), { signal }),
    normalize: (values) => (values as number[][]).flat(),
  },
  {
    name: 'rateLimit',
    open: (source, { signal }) => pipe(source, rateLimit({ limit: 1_000_000, interval: 1_000 }), { signal }),
  },
  {
    name: 'heartbeat',
    open: (source, { signal }) => pipe(source, heartbeat<number>(2_000), { signal }),
    normalize: (values) =>
      (values as Beat<number>[]).flatMap((beat) => (beat.type === 'value' ? [beat.value] : [])),
  },
  {
    name: 'supervise',
    open: (source, { signal }) =>
      pipe(
        source,
        supervise(() => map(identity)),
        { signal },
      ),
  },
  {
    name: 'toReadableStream',
    open: (source, { signal }) => asIterable(toReadableStream(source, { signal })),
  },
  {
    name: 'toReadable',
    open: (source, { signal }) => toReadable(source, { signal }),
    awaitsReturnOnBreak: false,
  },
  { name: 'collect', sink: 'plain', open: (source, { signal }) => collect(source, { signal }) },
  {
    name: 'reduce',
    sink: 'plain',
    open: (source, { signal }) => reduce(source, (acc: number[], n: number) => [...acc, n], [], { signal }),
  },
  {
    name: 'drain',
    sink: 'plain',
    open: async (source, { signal }) => {
      const seen: number[] = [];
      await drain(
        pipe(
          source,
          tap((n: number) => seen.push(n)),
        ),
        { signal },
      );
      return seen;
    },
  },
  {
    name: 'forEach',
    sink: 'callback',
    open: async (source, { signal, onValue }) => {
      const seen: number[] = [];
      await forEach(source, (n) => onValue(seen.push(n)), { signal });
      return seen;
    },
  },
];

for (const edge of edges) describeHostileSources(edge);
