// `npm run bench`: every workload for sluice and each peer, each run in a fresh process,
// interleaved over several rounds; prints items/s (median, min, max) and sluice's ratio to each.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.argv.slice(2);
const workloads = await import('./contenders.mjs');
const names = [
  'chain',
  'merge',
  'parallel',
  'parallelWarm',
  'channel',
  'tee',
  'cpu',
  'setup',
  'syncsink',
].filter((name) => (only.length === 0 || only.includes(name)) && workloads[name]);

/** The performance issue's goals: sluice's median over the named contender's median ('*': every peer). */
const targets = {
  chain: [['floor: hand-written generators', 2.5]],
  merge: [
    ['streaming-iterables', 1.3],
    ['*', 1],
  ],
  parallel: [['p-map pMapIterable', 1.2]],
  parallelWarm: [['p-map pMapIterable', 1.5]],
  channel: [
    ['it-pushable (no backpressure)', 1.1],
    ['Repeater (buffer 64)', 10],
  ],
  tee: [['two node Readables from one source', 2]],
  cpu: [
    ['main thread map', 1.6],
    ['piscina directly', 1],
  ],
  setup: [
    ['floor: hand-written generators', 1],
    ['streaming-iterables', 1],
    ['floor: one inline for await', 0.33],
  ],
  syncsink: [['floor: a plain for…of loop', 0.33]],
};

const samples = {};
for (let round = 0; round < rounds; round++) {
  for (const workload of names) {
    for (const contender of Object.keys(workloads[workload])) {
      const out = execFileSync(process.execPath, [`${here}one.mjs`, workload, contender], {
        encoding: 'utf8',
      });
      const { itemsPerSecond, result } = JSON.parse(out.trim().split('\n').pop());
      const key = `${workload}\t${contender}`;
      (samples[key] ??= { workload, contender, rates: [], results: new Set() }).rates.push(itemsPerSecond);
      samples[key].results.add(String(result));
      process.stderr.write('.');
    }
  }
}
process.stderr.write('\n');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);
let failures = 0;
console.log(`\nNode ${process.version}, ${rounds} round(s), items/s, each run in a fresh process\n`);
console.log('| workload | contender | median | min | max | sluice ÷ this |');
console.log('|---|---|---|---|---|---|');
for (const workload of names) {
  const rows = Object.values(samples).filter((s) => s.workload === workload);
  const expected = rows[0].results;
  const ours = median(rows.find((r) => r.contender === 'sluice').rates);
  for (const row of rows) {
    if (row.results.size !== 1 || [...row.results][0] !== [...expected][0]) {
      console.log(`!! ${workload}/${row.contender} computed ${[...row.results]} instead of ${[...expected]}`);
      failures++;
    }
    const m = median(row.rates);
    const ratio = row.contender === 'sluice' ? '' : `${(ours / m).toFixed(2)}×`;
    console.log(
      `| ${workload} | ${row.contender} | ${fmt(m)} | ${fmt(Math.min(...row.rates))} | ${fmt(Math.max(...row.rates))} | ${ratio} |`,
    );
  }
}
console.log('\nTargets (sluice median ÷ contender median):');
for (const workload of names) {
  for (const [contender, goal] of targets[workload] ?? []) {
    const rows = Object.values(samples).filter((s) => s.workload === workload && s.contender !== 'sluice');
    const ours = median(
      Object.values(samples).find((s) => s.workload === workload && s.contender === 'sluice').rates,
    );
    for (const row of contender === '*' ? rows : rows.filter((r) => r.contender === contender)) {
      const ratio = ours / median(row.rates);
      console.log(
        `  ${ratio >= goal ? 'met ' : 'MISS'} ${workload}: ${ratio.toFixed(2)}× ${row.contender} (target ≥ ${goal}×)`,
      );
    }
  }
}
if (failures > 0) process.exit(1);
