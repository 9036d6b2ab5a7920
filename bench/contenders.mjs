// One function per (workload, contender): each runs the workload once and returns how many items
// it processed, so the harness can time it. Every contender computes the same result, checked by
// the harness, so no contender can win by skipping work.
import { performance } from 'node:perf_hooks';
import { Readable, PassThrough } from 'node:stream';
import * as sluice from '../dist/esm/index.js';
import { from as ixFrom, merge as ixMerge, toArray as ixToArray } from 'ix/asynciterable';
import { map as ixMap, filter as ixFilter, flatMap as ixFlatMap } from 'ix/asynciterable/operators';
import * as si from 'streaming-iterables';
import { pipe as itPipe } from 'it-pipe';
import itMap from 'it-map';
import itFilter from 'it-filter';
import itMerge from 'it-merge';
import itParallel from 'it-parallel';
import { pushable } from 'it-pushable';
import { Repeater } from '@repeaterjs/repeater';
import { pMapIterable } from 'p-map';

export const CHAIN_ITEMS = Number(process.env.CHAIN_ITEMS ?? 1_000_000);
export const MERGE_SOURCES = 8;
export const MERGE_ITEMS = Number(process.env.MERGE_ITEMS ?? 125_000);
export const PARALLEL_ITEMS = Number(process.env.PARALLEL_ITEMS ?? 50_000);
export const CHANNEL_ITEMS = Number(process.env.CHANNEL_ITEMS ?? 1_000_000);
export const TEE_ITEMS = Number(process.env.TEE_ITEMS ?? 1_000_000);

async function* numbers(n) {
  for (let i = 0; i < n; i++) yield i;
}

const double = (x) => x * 2;
const notThird = (x) => x % 3 !== 0;
const inc = (x) => x + 1;
const immediate = (x) => new Promise((resolve) => setImmediate(resolve, x));

async function sum(iterable) {
  let total = 0;
  for await (const x of iterable) total += x;
  return total;
}

export const chain = {
  async sluice() {
    return sum(
      sluice.pipe(numbers(CHAIN_ITEMS), sluice.map(double), sluice.filter(notThird), sluice.map(inc)),
    );
  },
  async 'sluice metered'() {
    const meter = new sluice.Meter();
    return sum(
      sluice.pipe(numbers(CHAIN_ITEMS), sluice.map(double), sluice.filter(notThird), sluice.map(inc), {
        meter,
      }),
    );
  },
  async 'sluice forEach'() {
    let total = 0;
    const pipeline = sluice.pipe(
      numbers(CHAIN_ITEMS),
      sluice.map(double),
      sluice.filter(notThird),
      sluice.map(inc),
    );
    await sluice.forEach(pipeline, (x) => {
      total += x;
    });
    return total;
  },
  async ix() {
    return sum(ixFrom(numbers(CHAIN_ITEMS)).pipe(ixMap(double), ixFilter(notThird), ixMap(inc)));
  },
  async 'streaming-iterables'() {
    return sum(si.map(inc, si.filter(notThird, si.map(double, numbers(CHAIN_ITEMS)))));
  },
  async 'it-*'() {
    return sum(
      itPipe(
        numbers(CHAIN_ITEMS),
        (s) => itMap(s, double),
        (s) => itFilter(s, notThird),
        (s) => itMap(s, inc),
      ),
    );
  },
  async 'node Readable'() {
    return sum(Readable.from(numbers(CHAIN_ITEMS)).map(double).filter(notThird).map(inc));
  },
  async 'floor: hand-written generators'() {
    async function* mapGen(source, fn) {
      for await (const x of source) yield fn(x);
    }
    async function* filterGen(source, fn) {
      for await (const x of source) if (fn(x)) yield x;
    }
    return sum(mapGen(filterGen(mapGen(numbers(CHAIN_ITEMS), double), notThird), inc));
  },
  // The least any stage between two async edges can cost: one object with a next() that reads the
  // source and applies the three steps, no protocol kept. Two promise hops per item, as sluice's.
  async 'floor: minimal pass-through'() {
    const source = numbers(CHAIN_ITEMS);
    const step = (result) => {
      if (result.done) return result;
      const y = double(result.value);
      return notThird(y) ? { done: false, value: inc(y) } : source.next().then(step);
    };
    return sum({ [Symbol.asyncIterator]: () => ({ next: () => source.next().then(step) }) });
  },
  async 'floor: one inline loop'() {
    let total = 0;
    for await (const x of numbers(CHAIN_ITEMS)) {
      const y = x * 2;
      if (y % 3 !== 0) total += y + 1;
    }
    return total;
  },
};

const sources = () => Array.from({ length: MERGE_SOURCES }, () => numbers(MERGE_ITEMS));

export const merge = {
  sluice: () => sum(sluice.merge(...sources())),
  'streaming-iterables': () => sum(si.merge(...sources())),
  'it-merge': () => sum(itMerge(...sources())),
  ix: () => sum(ixMerge(...sources())),
  Repeater: () => sum(Repeater.merge(sources())),
};

export const parallel = {
  sluice: () => sum(sluice.pipe(numbers(PARALLEL_ITEMS), sluice.parallelMap(immediate, { concurrency: 16 }))),
  'sluice metered': () =>
    sum(
      sluice.pipe(numbers(PARALLEL_ITEMS), sluice.parallelMap(immediate, { concurrency: 16 }), {
        meter: new sluice.Meter(),
      }),
    ),
  'p-map pMapIterable': () => sum(pMapIterable(numbers(PARALLEL_ITEMS), immediate, { concurrency: 16 })),
  'it-parallel': () =>
    sum(
      itParallel(
        itMap(numbers(PARALLEL_ITEMS), (x) => () => immediate(x)),
        { concurrency: 16, ordered: true },
      ),
    ),
  'streaming-iterables': () => sum(si.parallelMap(16, immediate, numbers(PARALLEL_ITEMS))),
  'node Readable': () => sum(Readable.from(numbers(PARALLEL_ITEMS)).map(immediate, { concurrency: 16 })),
  'ix flatMap': () =>
    sum(
      ixFrom(numbers(PARALLEL_ITEMS)).pipe(
        ixFlatMap(async function* (x) {
          yield await immediate(x);
        }, 16),
      ),
    ),
  async 'floor: hand-written window of 16'() {
    const window = [];
    let total = 0;
    for await (const x of numbers(PARALLEL_ITEMS)) {
      window.push(immediate(x));
      if (window.length === 16) total += await window.shift();
    }
    for (const p of window) total += await p;
    return total;
  },
};

export const PARALLEL_WARM_ITEMS = Number(process.env.PARALLEL_WARM_ITEMS ?? 300_000);

/** The parallel workload long enough for the JIT to have compiled what runs. */
export const parallelWarm = {
  sluice: () =>
    sum(sluice.pipe(numbers(PARALLEL_WARM_ITEMS), sluice.parallelMap(immediate, { concurrency: 16 }))),
  'p-map pMapIterable': () => sum(pMapIterable(numbers(PARALLEL_WARM_ITEMS), immediate, { concurrency: 16 })),
};

export const channel = {
  async sluice() {
    const ch = new sluice.Channel(64);
    const producer = (async () => {
      for (let i = 0; i < CHANNEL_ITEMS; i++) await ch.send(i);
      ch.close();
    })();
    const total = await sum(ch);
    await producer;
    return total;
  },
  async 'it-pushable (no backpressure)'() {
    const p = pushable({ objectMode: true });
    const producer = (async () => {
      for (let i = 0; i < CHANNEL_ITEMS; i++) p.push(i);
      p.end();
    })();
    const total = await sum(p);
    await producer;
    return total;
  },
  async 'Repeater (buffer 64)'() {
    const { FixedBuffer } = await import('@repeaterjs/repeater');
    const r = new Repeater(async (push, stop) => {
      for (let i = 0; i < CHANNEL_ITEMS; i++) await push(i);
      stop();
    }, new FixedBuffer(64));
    return sum(r);
  },
};

export const tee = {
  async sluice() {
    const [a, b] = sluice.tee(numbers(TEE_ITEMS), 2, { capacity: 64 });
    const [x, y] = await Promise.all([sum(a), sum(b)]);
    return x + y;
  },
  async 'two node Readables from one source'() {
    const source = Readable.from(numbers(TEE_ITEMS));
    const a = new PassThrough({ objectMode: true });
    const b = new PassThrough({ objectMode: true });
    source.pipe(a);
    source.pipe(b);
    const [x, y] = await Promise.all([sum(a), sum(b)]);
    return x + y;
  },
};

export { ixToArray };

export const CPU_ITEMS = 200;
const CPU_MS = 5;
const CPU_WORKER = new URL('./cpu-worker.mjs', import.meta.url);

/** The worker's `burn`, run on the main thread for the baseline. */
function burn(ms) {
  const end = performance.now() + ms;
  let turns = 0;
  while (performance.now() < end) turns++;
  return turns;
}

// Busy loops return how many turns they made, which varies: every contender counts items instead.
export const cpu = {
  async sluice() {
    let items = 0;
    const stage = sluice.workerMap(CPU_WORKER, { concurrency: 2, exportName: 'burn' });
    await sluice.forEach(
      sluice.pipe(sluice.repeat(CPU_MS), sluice.take(CPU_ITEMS), stage),
      () => void items++,
    );
    return items;
  },
  async 'main thread map'() {
    let items = 0;
    await sluice.forEach(
      sluice.pipe(sluice.repeat(CPU_MS), sluice.take(CPU_ITEMS), sluice.map(burn)),
      () => void items++,
    );
    return items;
  },
  async 'piscina directly'() {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({ filename: CPU_WORKER.href, name: 'burn', minThreads: 0, maxThreads: 2 });
    const results = await Promise.all(Array.from({ length: CPU_ITEMS }, () => pool.run(CPU_MS)));
    await pool.destroy();
    return results.length;
  },
};

/** Items each workload moves, for items/second. */
export const SETUP_PIPELINES = Number(process.env.SETUP_PIPELINES ?? 100_000);
const TEN = Array.from({ length: 10 }, (_, i) => i);

/** A service builds a pipeline per request: 3 stages over 10 items, built and collected each time. */
export const setup = {
  async sluice() {
    let total = 0;
    for (let i = 0; i < SETUP_PIPELINES; i++) {
      const out = await sluice.collect(
        sluice.pipe(TEN, sluice.map(double), sluice.filter(notThird), sluice.map(inc)),
      );
      total += out.length;
    }
    return total;
  },
  async 'streaming-iterables'() {
    let total = 0;
    for (let i = 0; i < SETUP_PIPELINES; i++) {
      const out = await si.collect(si.map(inc, si.filter(notThird, si.map(double, TEN))));
      total += out.length;
    }
    return total;
  },
  async 'floor: hand-written generators'() {
    let total = 0;
    for (let i = 0; i < SETUP_PIPELINES; i++) {
      const out = [];
      for await (const x of handChain(TEN)) out.push(x);
      total += out.length;
    }
    return total;
  },
  async 'floor: one inline for await'() {
    let total = 0;
    for (let i = 0; i < SETUP_PIPELINES; i++) {
      const out = [];
      for await (const x of TEN) {
        const y = double(x);
        if (notThird(y)) out.push(inc(y));
      }
      total += out.length;
    }
    return total;
  },
};

async function* handChain(source) {
  for await (const x of source) {
    const y = double(x);
    if (notThird(y)) yield inc(y);
  }
}

export const SYNC_ITEMS = Number(process.env.SYNC_ITEMS ?? 1_000_000);
// Built before the timed run (see `prepare`), and only for this workload: a million-element array
// alive in every other workload's process would slow its garbage collector.
let ARRAY = [];

/** A synchronous source into a sink through three synchronous stages. */
export const syncsink = {
  async sluice() {
    let total = 0;
    await sluice.forEach(
      sluice.pipe(ARRAY, sluice.map(double), sluice.filter(notThird), sluice.map(inc)),
      (x) => {
        total += x;
      },
    );
    return total;
  },
  async 'streaming-iterables'() {
    let total = 0;
    await si.consume(
      si.tap(
        (x) => {
          total += x;
        },
        si.map(inc, si.filter(notThird, si.map(double, ARRAY))),
      ),
    );
    return total;
  },
  async 'floor: a plain for…of loop'() {
    let total = 0;
    for (const x of ARRAY) {
      const y = double(x);
      if (notThird(y)) total += inc(y);
    }
    return total;
  },
};

/** Work done before a workload's timed run, in the same process. */
export const prepare = {
  syncsink() {
    ARRAY = Array.from({ length: SYNC_ITEMS }, (_, i) => i);
  },
};

export const ITEMS = {
  chain: CHAIN_ITEMS,
  merge: MERGE_SOURCES * MERGE_ITEMS,
  parallel: PARALLEL_ITEMS,
  parallelWarm: PARALLEL_WARM_ITEMS,
  channel: CHANNEL_ITEMS,
  tee: TEE_ITEMS,
  cpu: CPU_ITEMS,
  setup: SETUP_PIPELINES,
  syncsink: SYNC_ITEMS,
};
