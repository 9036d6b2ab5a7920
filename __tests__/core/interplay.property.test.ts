/**
 * Every pair of engines tested together: random pipelines built from every stage sluice has, over
 * random sources, with callbacks that take random numbers of microtask ticks. Each run must end
 * (a hang guard counts event-loop turns), lose and duplicate nothing, keep order where every stage
 * on the way promises it, and, on a random `break`, return its source and leave nothing running.
 */
import fc from 'fast-check';
import {
  batch,
  buffer,
  Channel,
  filter,
  flatten,
  heartbeat,
  map,
  merge,
  mergeAll,
  parallelMap,
  pipe,
  rateLimit,
  split,
  supervise,
  take,
  tap,
  tee,
  type Beat,
  type Stage,
} from '../../lib/index.js';
import { LeakScope, useLeakCheck } from '../../lib/testing/index.js';
import { spySource, ticks, withinTurns } from '../helpers.js';

useLeakCheck();

/** What a run must yield: the values, and whether their order is promised or only the multiset. */
interface Model {
  values: number[];
  ordered: boolean;
}

interface Step {
  name: string;
  /** A fresh stage: no run shares one with another. */
  stage(): Stage<number, number>;
  apply(model: Model): Model;
}

const jittered =
  (delays: number[]) =>
  async (value: number, { index }: { index: number }): Promise<number> => {
    await ticks(delays[index % delays.length] ?? 0);
    return value;
  };

/** A stage made of a pipe of others: how a user composes them. */
const composed =
  <O>(build: (source: AsyncIterable<number>, signal: AbortSignal) => AsyncIterable<O>): Stage<number, O> =>
  (source, { signal }) =>
    build(source, signal);

const same = (model: Model): Model => model;
const unordered = (model: Model): Model => ({ ...model, ordered: false });

/** Steps print as their names in a counterexample. */
const named = (step: Step): Step => Object.assign(step, { [fc.toStringMethod]: () => step.name });

const stepArb: fc.Arbitrary<Step> = fc
  .oneof(
    fc.constant<Step>({
      name: 'map +1',
      stage: () => map((n: number) => n + 1),
      apply: (m) => ({ ...m, values: m.values.map((n) => n + 1) }),
    }),
    fc.array(fc.nat(3), { minLength: 1, maxLength: 4 }).map<Step>((delays) => ({
      name: `map async ${delays}`,
      stage: () => map(jittered(delays)),
      apply: same,
    })),
    fc.constant<Step>({
      name: 'filter odd out',
      stage: () => filter((n: number) => n % 3 !== 1),
      apply: (m) => ({ ...m, values: m.values.filter((n) => n % 3 !== 1) }),
    }),
    fc.constant<Step>({ name: 'tap', stage: () => tap(() => undefined), apply: same }),
    fc.nat(12).map<Step>((count) => ({
      name: `take(${count})`,
      stage: () => take(count),
      // Which items a take keeps is only known when the order is.
      apply: (m) => (m.ordered ? { ...m, values: m.values.slice(0, count) } : m),
    })),
    fc
      .record({
        concurrency: fc.integer({ min: 1, max: 6 }),
        ordered: fc.boolean(),
        delays: fc.array(fc.nat(5), { minLength: 1, maxLength: 6 }),
      })
      .map<Step>(({ concurrency, ordered, delays }) => ({
        name: `parallelMap(c=${concurrency}, ordered=${ordered}, ${delays})`,
        stage: () => parallelMap(jittered(delays), { concurrency, ordered }),
        apply: ordered ? same : unordered,
      })),
    fc.integer({ min: 1, max: 4 }).map<Step>((capacity) => ({
      name: `buffer(${capacity})`,
      stage: () => buffer(capacity),
      apply: same,
    })),
    fc.integer({ min: 1, max: 5 }).map<Step>((size) => ({
      name: `batch(${size}) then flatten`,
      stage: () => composed((source, signal) => pipe(source, batch(size), flatten(), { signal })),
      apply: same,
    })),
    fc.integer({ min: 1, max: 5 }).map<Step>((size) => ({
      name: `batch(${size}) then map(b => b) then flatten`,
      stage: () =>
        composed((source, signal) =>
          pipe(
            source,
            batch(size),
            map((rows: number[]) => rows),
            flatten(),
            { signal },
          ),
        ),
      apply: same,
    })),
    fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }).map<Step>((concurrency) => ({
      name: `map to [n] then mergeAll(${concurrency ?? 'Infinity'})`,
      stage: () =>
        composed((source, signal) =>
          pipe(
            source,
            map((n: number) => [n]),
            mergeAll<number>(concurrency === undefined ? {} : { concurrency }),
            { signal },
          ),
        ),
      apply: concurrency === 1 ? same : unordered,
    })),
    fc.constant<Step>({
      name: 'merge with itself',
      stage: () => composed((source, signal) => pipe(merge(source), { signal })),
      apply: same,
    }),
    fc.integer({ min: 1, max: 3 }).map<Step>((capacity) => ({
      name: `tee(2, capacity ${capacity}) merged back`,
      stage: () => composed((source, signal) => merge(...tee(source, 2, { capacity, signal }))),
      apply: (m) => ({ values: [...m.values, ...m.values], ordered: false }),
    })),
    fc.integer({ min: 1, max: 3 }).map<Step>((n) => ({
      name: `split(${n}) merged back`,
      stage: () => composed((source, signal) => merge(...split(source, n, { signal }))),
      apply: n === 1 ? same : unordered,
    })),
    fc.constant<Step>({
      name: 'rateLimit (high limit)',
      stage: () => rateLimit({ limit: 1_000_000_000, interval: 1_000 }),
      apply: same,
    }),
    fc.constant<Step>({
      name: 'heartbeat, beats filtered out',
      stage: () =>
        composed((source, signal) =>
          pipe(
            source,
            heartbeat<number>(2_000),
            filter((beat: Beat<number>) => beat.type === 'value'),
            map((beat: Beat<number>) => (beat as { value: number }).value),
            { signal },
          ),
        ),
      apply: same,
    }),
    fc.constant<Step>({
      name: 'supervise(map)',
      stage: () => supervise(() => map((n: number) => n)),
      apply: same,
    }),
  )
  .map(named);

type SourceKind =
  { kind: 'array' } | { kind: 'spy'; jitter: number[] } | { kind: 'channel'; capacity: number };

const sourceArb: fc.Arbitrary<SourceKind> = fc.oneof(
  fc.constant<SourceKind>({ kind: 'array' }),
  fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }).map<SourceKind>((jitter) => ({ kind: 'spy', jitter })),
  fc.nat(3).map<SourceKind>((capacity) => ({ kind: 'channel', capacity })),
);

/** Builds the source; `close` ends what feeds it once the run is over (a channel's producer). */
function openSource(kind: SourceKind, values: number[]) {
  if (kind.kind === 'array') return { source: values, log: undefined, close: async () => undefined };
  if (kind.kind === 'spy') {
    const spy = spySource(values, { jitter: (i) => kind.jitter[i % kind.jitter.length] ?? 0 });
    return { source: spy, log: spy.log, close: async () => undefined };
  }
  const channel = new Channel<number>(kind.capacity);
  const producer = (async () => {
    for (const value of values) await channel.send(value);
    channel.close();
  })().catch(() => undefined);
  return {
    source: channel,
    log: undefined,
    // A consumer that broke off leaves the producer waiting in send(): closing fails that send.
    close: async () => {
      if (!channel.closed) channel.close();
      await producer;
    },
  };
}

const sorted = (values: number[]): number[] => values.slice().sort((a, b) => a - b);

const describeRun = (kind: SourceKind, steps: Step[]): string =>
  `${kind.kind} → ${steps.map((step) => step.name).join(' → ')}`;

describe('interplay of every engine', () => {
  it('yields exactly the expected items, in order where promised, and never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(
        sourceArb,
        fc.nat(20),
        fc.array(stepArb, { minLength: 1, maxLength: 4 }),
        async (kind, length, steps) => {
          const values = Array.from({ length }, (_, i) => i);
          const { source, log, close } = openSource(kind, values);
          const model = steps.reduce((m, step) => step.apply(m), { values, ordered: true } as Model);
          const stages = steps.map((step) => step.stage());
          const pipeline = (pipe as (source: unknown, ...stages: unknown[]) => AsyncIterable<number>)(
            source,
            ...stages,
          );
          const out: number[] = [];
          const run = (async () => {
            for await (const value of pipeline) out.push(value);
          })();
          await withinTurns(run, 2_000, describeRun(kind, steps));
          await close();
          if (steps.some((step) => step.name.startsWith('take(')) && !model.ordered) {
            // A take behind reordering keeps some of the items: a sub-multiset, none twice.
            const pool = sorted(model.values);
            for (const value of out) {
              const at = pool.indexOf(value);
              expect(at).toBeGreaterThanOrEqual(0);
              pool.splice(at, 1);
            }
          } else if (model.ordered) expect(out).toEqual(model.values);
          else expect(sorted(out)).toEqual(sorted(model.values));
          if (log?.opened) expect(log.finalized).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('breaking out at a random point returns the source and leaves nothing running', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(stepArb, { minLength: 1, maxLength: 4 }),
        fc.nat(10),
        async (jitter, length, steps, breakAt) => {
          const leaks = new LeakScope();
          const source = spySource(
            Array.from({ length }, (_, i) => i),
            { jitter: (i) => jitter[i % jitter.length] ?? 0 },
          );
          const stages = steps.map((step) => step.stage());
          const pipeline = (pipe as (source: unknown, ...stages: unknown[]) => AsyncIterable<number>)(
            source,
            ...stages,
          );
          let read = 0;
          const run = (async () => {
            for await (const _ of pipeline) if (read++ === breakAt) break;
          })();
          await withinTurns(run, 2_000, describeRun({ kind: 'spy', jitter }, steps));
          // Rule 1: by the time the loop is left, the source was returned and its finally ran.
          if (source.log.opened) expect(source.log.finalized).toBe(true);
          await leaks.check();
        },
      ),
      { numRuns: 150 },
    );
  });
});
