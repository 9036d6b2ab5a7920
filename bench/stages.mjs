// ns/item that each stage type adds to a pipeline: the time of range(0, N) → stage → forEach,
// minus the time of range(0, N) → forEach, divided by N. Median of 5 runs in this process.
import { performance } from 'node:perf_hooks';
import * as s from '../dist/esm/index.js';

const N = Number(process.env.STAGE_ITEMS ?? 300_000);
const id = (x) => x;

const stages = {
  'map (fused, sync callback)': () => [s.map(id)],
  'filter (fused)': () => [s.filter(() => true)],
  'map + filter + map (one fused loop)': () => [s.map(id), s.filter(() => true), s.map(id)],
  'map (async callback)': () => [s.map(async (x) => x)],
  // Each call's signal is its own, made when the callback reads it (listeners die with the call).
  'map (sync callback that reads its signal)': () => [s.map((x, { signal }) => (signal.aborted ? 0 : x))],
  'parallelMap (concurrency 16, sync callback)': () => [s.parallelMap(id, { concurrency: 16 })],
  'parallelMap (concurrency 16, unordered)': () => [s.parallelMap(id, { concurrency: 16, ordered: false })],
  'parallelMap (concurrency 16, callback reads its signal)': () => [
    s.parallelMap((x, { signal }) => (signal.aborted ? 0 : x), { concurrency: 16 }),
  ],
  'buffer(64)': () => [s.buffer(64)],
  'batch(100) + flatten()': () => [s.batch(100), s.flatten()],
  'mergeAll over one-item arrays': () => [s.map((x) => [x]), s.mergeAll({ concurrency: 4 })],
};

async function time(extra) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await s.forEach(s.pipe(s.range(0, N), ...extra()), () => {});
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[2];
}

const base = await time(() => []);
console.log(`range(0, ${N}) → forEach alone: ${((base * 1e6) / N).toFixed(0)} ns/item\n`);
console.log('| stage | ns/item added |');
console.log('|---|---|');
for (const [name, make] of Object.entries(stages)) {
  const ms = await time(make);
  console.log(`| ${name} | ${Math.max(0, ((ms - base) * 1e6) / N).toFixed(0)} |`);
}
