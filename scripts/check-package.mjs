// Installs the packed tarball alone in a fresh project, as `npm install sluice` would, and checks
// what a user meets at run time: no `ix` in node_modules, the install footprint, a stack frame
// from sluice under --enable-source-maps naming a file that exists, and a workerMap error keeping
// its fields across the thread boundary, from ESM and from CJS.
//
//   node scripts/check-package.mjs [sluice-x.y.z.tgz]   (packs the repo when no tarball is given)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
const tarball = process.argv[2]
  ? resolve(process.argv[2])
  : resolve(run('npm', ['pack', '--silent'], process.cwd()).trim().split('\n').pop());

const dir = mkdtempSync(join(tmpdir(), 'sluice-package-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user', private: true }) + '\n');
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], dir);

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

// Footprint: what `npm install sluice` adds (apparent size of node_modules, packages in it).
const packages = [];
let bytes = 0;
const walk = (path) => {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) walk(child);
    else bytes += statSync(child).size;
  }
};
walk(join(dir, 'node_modules'));
const listPackages = (path) => {
  for (const name of readdirSync(path)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) listPackages(join(path, name));
    else packages.push(name);
  }
};
listPackages(join(dir, 'node_modules'));
console.log(
  `install footprint: ${(bytes / 1024).toFixed(0)} kB in node_modules, ${packages.length} packages (${packages.join(', ')})`,
);
check(!existsSync(join(dir, 'node_modules/ix')), 'no ix in node_modules');
check(
  !existsSync(join(dir, 'node_modules/@opentelemetry')),
  'no @opentelemetry in node_modules (an optional peer dependency)',
);

// sluice/inspect and sluice/otel from ESM and from CJS, with @opentelemetry not installed: neither
// `sluice` nor `sluice/inspect` loads it, and sluice/otel needs it only for its types.
const inspectUse = (imports) => `${imports}
const meter = new Meter();
const lines = [];
const watcher = watch(meter, { interval: 1000, output: { write: (text) => lines.push(text) } });
drain(pipe(range(0, 100), named('double', map((n) => n * 2)), { meter })).then(async () => {
  await watcher.done;
  const { stages } = meter.snapshot();
  const ok =
    stages[1].name === 'double' && stages[1].out === 100 && lines.join('').includes('double') &&
    dumpPipelines() === 'sluice: 0 pipelines open' && livePipelines().length === 0 &&
    typeof exportMeter === 'function' && typeof dumpOnSignal('SIGUSR2') === 'function';
  console.log(JSON.stringify({ ok, otel: (typeof require === 'function' ? Object.keys(require.cache) : []).some((f) => f.includes('opentelemetry')) }));
});
`;
const inspectFiles = {
  'inspect-esm.mjs': inspectUse(`import { drain, map, pipe, range } from 'sluice';
import { dumpOnSignal, dumpPipelines, livePipelines, Meter, named, watch } from 'sluice/inspect';
import { exportMeter } from 'sluice/otel';`),
  'inspect-cjs.cjs': inspectUse(`const { drain, map, pipe, range } = require('sluice');
const { dumpOnSignal, dumpPipelines, livePipelines, Meter, named, watch } = require('sluice/inspect');
const { exportMeter } = require('sluice/otel');`),
};
for (const [file, code] of Object.entries(inspectFiles)) {
  writeFileSync(join(dir, file), code);
  const got = JSON.parse(run('node', [file], dir).trim().split('\n').pop());
  check(
    got.ok && !got.otel,
    `${file}: sluice/inspect and sluice/otel work without @opentelemetry (${JSON.stringify(got)})`,
  );
}

// A TypeError thrown by sluice's validation: its first frames are sluice's own.
writeFileSync(
  join(dir, 'fs-error.cjs'),
  "module.exports = () => require('node:fs').readFileSync('/no/such/file');\n",
);
const frames = {
  'esm.mjs':
    "import { range } from 'sluice';\ntry { range('a', 1); } catch (error) { console.log(error.stack); }\n",
  'cjs.cjs':
    "const { range } = require('sluice');\ntry { range('a', 1); } catch (error) { console.log(error.stack); }\n",
};
for (const [file, code] of Object.entries(frames)) {
  writeFileSync(join(dir, file), code);
  const stack = run('node', ['--enable-source-maps', file], dir);
  const files = [
    ...stack.matchAll(/\(?((?:file:\/\/)?\/[^():]+\/node_modules\/sluice\/[^():]+):\d+:\d+\)?/g),
  ].map((match) => match[1].replace(/^file:\/\//, ''));
  check(
    files.length > 0 && files.every((path) => path.endsWith('.ts') && existsSync(path)),
    `${file}: sluice's stack frames name .ts files that exist (${files.map((path) => path.split('node_modules/')[1]).join(', ') || 'none'})`,
  );
}

const workerErrors = {
  'worker-esm.mjs': `import { collect, pipe, workerMap } from 'sluice';
const error = await collect(pipe([1], workerMap(new URL('./fs-error.cjs', import.meta.url), { concurrency: 1 }))).catch((e) => e);
console.log(JSON.stringify({ ...error, name: error.name, isError: error instanceof Error }));`,
  'worker-cjs.cjs': `const { collect, pipe, workerMap } = require('sluice');
collect(pipe([1], workerMap(require('node:path').join(__dirname, 'fs-error.cjs'), { concurrency: 1 }))).catch((error) =>
  console.log(JSON.stringify({ ...error, name: error.name, isError: error instanceof Error })));`,
};
for (const [file, code] of Object.entries(workerErrors)) {
  writeFileSync(join(dir, file), code);
  const got = JSON.parse(run('node', [file], dir));
  const want = { name: 'Error', code: 'ENOENT', syscall: 'open', path: '/no/such/file', isError: true };
  check(
    Object.entries(want).every(([key, value]) => got[key] === value) && typeof got.errno === 'number',
    `${file}: a worker's fs error keeps name, code, errno, syscall and path (${JSON.stringify(got)})`,
  );
}

// The broker adapters are optional entries: `import 'sluice'` never loads them or their clients.
const loaded = run(
  'node',
  [
    '-e',
    "require('sluice'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /ioredis|@nats-io|[\\/](redis|nats|ack)[\\/]/.test(k))))",
  ],
  dir,
);
check(loaded.trim() === '[]', `require('sluice') loads no broker module (${loaded.trim()})`);
const esmGraph = (file, seen = new Set()) => {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const [, spec] of code.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g))
    if (spec.startsWith('.')) esmGraph(join(dirname(file), spec), seen);
    else seen.add(spec);
  return seen;
};
const reached = [...esmGraph(join(dir, 'node_modules/sluice/dist/esm/index.js'))].filter((f) =>
  /ioredis|@nats-io|[\\/](redis|nats|ack)[\\/]/.test(f),
);
check(reached.length === 0, `import 'sluice' reaches no broker module (${reached.join(', ') || 'none'})`);
// Without the optional peers installed, the entries still load (their client types are type-only).
for (const entry of ['sluice/redis', 'sluice/nats']) {
  const names = run('node', ['-e', `console.log(Object.keys(require('${entry}')).join(','))`], dir);
  check(names.includes('from'), `require('${entry}') loads without its peer installed (${names.trim()})`);
}

if (failures.length > 0) process.exit(1);
