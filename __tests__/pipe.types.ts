/**
 * Type tests, checked by `npm run typecheck` (tsc), not run by jest: a pipeline is typed end to
 * end, and a stage whose input does not match the previous output is a compile error.
 */
import { map as ixMap } from 'ix/asynciterable/operators';
import { collect, filter, map, merge, parallelMap, pipe, range, take, tap } from '../lib/index.js';
import type { Pipeline, Stage } from '../lib/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

const toString = map((n: number) => String(n));
const toLength = map((s: string) => s.length);

// Twelve stages (the most `pipe` types; nest pipelines for more), each typed from the previous one.
const long = pipe(
  range(0, 100),
  map((n) => n + 1),
  filter((n) => n > 2),
  toString,
  toLength,
  map(async (n) => n * 2),
  tap((n) => void n),
  parallelMap(async (n) => [n], { concurrency: 2 }),
  map((pair) => pair[0]),
  take(5),
  map((n) => ({ n })),
  map(({ n }) => n.toFixed(1).split('.')),
);
assertType<Equal<typeof long, Pipeline<string[]>>>();

// An ix operator is a stage.
const withIx = pipe(
  [1, 2, 3],
  ixMap((n: number) => `${n}`),
  map((s) => s.toUpperCase()),
);
assertType<Equal<typeof withIx, Pipeline<string>>>();

// A stage whose input type does not match is a compile error.
// @ts-expect-error toLength takes strings, range yields numbers
pipe(range(0, 3), toLength);
pipe(
  range(0, 3),
  // @ts-expect-error the third stage takes numbers, the second yields strings (reported at the stage)
  toString,
  map((n: number) => n),
);
// @ts-expect-error options must be the last argument
pipe(range(0, 3), { signal: new AbortController().signal }, toString);

// merge unions the value types of its sources.
const merged = merge([1, 2], ['a']);
assertType<Equal<typeof merged, Pipeline<number | string>>>();

// Sinks resolve what the pipeline yields.
const collected = collect(pipe([1, 2], toString));
assertType<Equal<typeof collected, Promise<string[]>>>();

// A user-written stage of the Stage shape composes like a built-in one.
const double: Stage<number, number> = async function* (source, { signal }) {
  for await (const n of source) {
    signal.throwIfAborted();
    yield n * 2;
  }
};
assertType<Equal<typeof pipe extends never ? never : ReturnType<typeof double>, AsyncIterable<number>>>();
const doubled = pipe([1], double, toString);
assertType<Equal<typeof doubled, Pipeline<string>>>();

// `filter(Boolean)` narrows away the falsy members, so a parser returning `T | undefined` chains.
{
  const parse = (line: string): { id: number } | undefined => (line ? { id: line.length } : undefined);
  const ids = pipe(
    ['a', ''],
    map(parse),
    filter(Boolean),
    map((x) => x.id),
  );
  assertType<Equal<typeof ids, Pipeline<number>>>();
  const truthy = pipe([0, 1, null, 'a', ''] as (number | string | null)[], filter(Boolean));
  assertType<Equal<typeof truthy, Pipeline<number | string>>>();
}

// A sync iterable of promises is read as `for await` reads it: the stages see the awaited values.
{
  const awaited = pipe(
    [Promise.resolve(1), 2],
    map((n) => n + 1),
  );
  assertType<Equal<typeof awaited, Pipeline<number>>>();
}
