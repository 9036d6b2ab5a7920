// lines() against node:readline over the same 100 MB file, in the same run: lines per second of
// each, median of 3 runs, and the ratio (the target: lines() at ≥ 80 % of readline's speed).
// The file is generated once in os.tmpdir() (LINES_MB to change its size) and reused.
import { createReadStream, existsSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import * as s from '../dist/esm/index.js';

const MB = Number(process.env.LINES_MB ?? 100);
const file = join(tmpdir(), `sluice-lines-${MB}mb.txt`);

function generate() {
  if (existsSync(file) && statSync(file).size >= MB * 1e6) return;
  writeFileSync(file, '');
  // Lines of 20 to 120 characters, some non-ASCII, some ending in \r\n.
  let chunk = '';
  for (let i = 0; i < 20_000; i++) {
    const text = `${i} ${'lorem ipsum dolor sit amet é€ '.repeat(1 + (i % 4))}`;
    chunk += i % 5 === 0 ? `${text}\r\n` : `${text}\n`;
  }
  const size = Buffer.byteLength(chunk);
  for (let written = 0; written < MB * 1e6; written += size) appendFileSync(file, chunk);
}

async function viaReadline() {
  let count = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const _ of rl) count++;
  return count;
}

async function viaLines() {
  let count = 0;
  await s.forEach(s.pipe(createReadStream(file), s.lines()), () => void count++);
  return count;
}

async function viaForAwait() {
  let count = 0;
  for await (const _ of s.pipe(createReadStream(file), s.lines())) count++;
  return count;
}

async function time(run) {
  const ms = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    count = await run();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[1], count };
}

generate();
const readline = await time(viaReadline);
const sink = await time(viaLines);
const loop = await time(viaForAwait);
if (sink.count !== readline.count || loop.count !== readline.count)
  throw new Error(`line counts differ: readline ${readline.count}, lines() ${sink.count}/${loop.count}`);
const row = (name, { ms }) =>
  `${name.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms  ${((readline.ms / ms) * 100).toFixed(0).padStart(4)} % of readline`;
console.log(`lines over ${MB} MB (${readline.count} lines), median of 3`);
console.log(row('node:readline (for await)', readline));
console.log(row('lines() into forEach', sink));
console.log(row('lines() (for await)', loop));
