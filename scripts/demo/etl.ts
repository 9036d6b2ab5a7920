// An ETL a person would rather watch than read: NDJSON records it generates → ndjson() → a
// CPU-heavy scoring stage (a worker thread) → an I/O-bound enrichment against a local HTTP
// server → batch → a file,
// with the live view of sluice/inspect running. Phase 1 enriches one record at a time (the view
// names `enrich` as the bottleneck); phase 2 enriches 8 at a time: throughput rises and the
// bottleneck moves to `score`. Ctrl-C stops it cleanly at any moment, with the final table.
import { Agent, get } from 'node:http';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, batch, forEach, ndjson, parallelMap, pipe, takeUntil, workerMap } from '../../lib/index.js';
import { Meter, named, watch } from '../../lib/inspect/index.js';
import { startEnrichServer } from './enrich-server.js';
import type { Section } from './section.js';

interface Order {
  id: number;
  customer: number;
  amount: number;
  note: string;
}

interface Customer {
  tier: string;
  region: string;
}

// A keep-alive agent: the lookups reuse their connections (fetch would cost the main thread more).
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** GET `url` as JSON; `signal` aborts the request. */
function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, signal }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(error);
        }
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

const PHASE_MS = Number(process.env.DEMO_PHASE_MS ?? 9000);

/** Chunks of NDJSON, 100 records each, as a file or a socket would hand them over. */
async function* generate(): AsyncGenerator<Buffer> {
  for (let id = 0; ;) {
    const chunk: string[] = [];
    for (let i = 0; i < 100; i++, id++) {
      const order: Order = { id, customer: (id * 7919) % 1000, amount: (id * 31) % 997, note: `order ${id}` };
      chunk.push(JSON.stringify(order));
    }
    yield Buffer.from(chunk.join('\n') + '\n');
    await new Promise((resolve) => setImmediate(resolve)); // a source that lets the loop breathe
  }
}

/** About a millisecond of CPU per record, on a worker thread so the lookups' I/O is not held up. */
const score = named(
  'score',
  workerMap<Order, Order & { score: number }>(new URL('./score-worker.mjs', import.meta.url), {
    concurrency: 1,
  }),
);

async function phase(
  title: string,
  concurrency: number,
  base: string,
  file: string,
  signal: AbortSignal,
  output: NodeJS.WriteStream,
): Promise<{ rate: number; bottleneck: string | undefined; written: number }> {
  console.log(`\n--- ${title}: enrich at concurrency ${concurrency}, for ${PHASE_MS / 1000} s ---`);
  const meter = new Meter();
  const watcher = watch(meter, { interval: output.isTTY ? 500 : 1500, output });
  const sink = await open(file, 'a');
  let written = 0;
  const enrich = named(
    'enrich',
    parallelMap(
      async (order: Order & { score: number }, { signal: call }) => {
        const customer = (await getJson(`${base}/customers/${order.customer}`, call)) as Customer;
        return { ...order, ...customer };
      },
      { concurrency },
    ),
  );
  const pipeline = pipe(
    generate(),
    takeUntil(after(PHASE_MS, { signal })), // a graceful end: what is in flight is finished and written
    ndjson<Order>(),
    score,
    enrich,
    batch(200),
    { signal, meter },
  );
  let bottleneck: string | undefined;
  try {
    await forEach(pipeline, async (records) => {
      bottleneck = meter.snapshot().bottleneck ?? bottleneck; // the last word while it ran
      written += records.length;
      await sink.write(records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    });
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    await watcher.done;
    await sink.close();
  }
  const { elapsedMs } = meter.snapshot();
  return { rate: (written * 1000) / elapsedMs, bottleneck, written };
}

export const etl: Section = {
  title: 'ETL: NDJSON → ndjson → score (CPU) → enrich (HTTP) → batch → file, watched live',
  async run(signal, output) {
    const server = await startEnrichServer(5);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
    const file = join(dir, 'orders.ndjson');
    try {
      const one = await phase('Phase 1', 1, server.url, file, signal, output);
      if (signal.aborted) return;
      const eight = await phase('Phase 2', 8, server.url, file, signal, output);
      const size = (await stat(file)).size;
      console.log(
        `\nphase 1: ${Math.round(one.rate)} records/s, limited by ${one.bottleneck ?? 'the consumer'}`,
      );
      console.log(
        `phase 2: ${Math.round(eight.rate)} records/s, limited by ${eight.bottleneck ?? 'the consumer'}`,
      );
      console.log(
        `${(eight.rate / one.rate).toFixed(1)}× the throughput; ${one.written + eight.written} records, ` +
          `${(size / 1024).toFixed(0)} kB written to ${file} (removed now)`,
      );
    } finally {
      agent.destroy();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
