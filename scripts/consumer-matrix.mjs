// Compiles a consumer project against the packed tarball, as a user's project would see sluice:
// TypeScript 5.9 and the current 7.x × module commonjs (node10) / node16 / nodenext /
// preserve+bundler, each with strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes,
// skipLibCheck false and a lib without DOM. Each compiler is installed once, in one temp project;
// only the tsconfig varies. A mismatched stage must fail with a message naming both types.
//
//   node scripts/consumer-matrix.mjs [sluice-x.y.z.tgz]   (packs the repo when no tarball is given)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = resolve(import.meta.dirname, 'consumer');
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

const tarball = process.argv[2]
  ? resolve(process.argv[2])
  : resolve(run('npm', ['pack', '--silent'], process.cwd()).trim().split('\n').pop());

const dir = mkdtempSync(join(tmpdir(), 'sluice-consumers-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }) + '\n');
console.log(`installing ${tarball}, typescript@7, typescript@5.9 and @types/node@20 in ${dir}`);
run(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    tarball,
    'typescript@7',
    'ts59@npm:typescript@~5.9.0',
    '@types/node@20',
  ],
  dir,
);

const compilers = [
  // TypeScript 7 is a native binary (a platform package such as @typescript/typescript-linux-x64),
  // started through its bin script.
  { name: `tsc ${version('typescript')}`, bin: join(dir, 'node_modules/typescript/bin/tsc'), node10: false },
  { name: `tsc ${version('ts59')}`, bin: join(dir, 'node_modules/ts59/bin/tsc'), node10: true },
];
function version(pkg) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

// node16/nodenext decide ESM or CJS per file: compile the consumer as both .mts and .cts, so both
// the `import` and the `require` conditions of `exports` are checked.
const modules = [
  { name: 'commonjs', options: { module: 'commonjs', moduleResolution: 'node10' }, exts: ['.ts'] },
  { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' }, exts: ['.mts', '.cts'] },
  { name: 'nodenext', options: { module: 'nodenext', moduleResolution: 'nodenext' }, exts: ['.mts', '.cts'] },
  { name: 'preserve+bundler', options: { module: 'preserve', moduleResolution: 'bundler' }, exts: ['.ts'] },
];
for (const ext of ['.ts', '.mts', '.cts']) {
  copyFileSync(join(here, 'use.ts'), join(dir, `use${ext}`));
  copyFileSync(join(here, 'mismatch.ts'), join(dir, `mismatch${ext}`));
}

const strictest = {
  target: 'es2022',
  lib: ['es2022'], // no DOM: sluice's types must stand on @types/node alone
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
};
// The two types of `mismatch.ts`: the stage yields numbers, the next one takes strings.
const namesBothTypes =
  /Stage<number, number>[\s\S]*Stage<number, string>|'number' is not assignable to type 'string'/;

let failures = 0;
for (const compiler of compilers) {
  for (const mod of modules) {
    const compile = (files) => {
      const config = join(dir, 'tsconfig.json');
      const compilerOptions = { ...strictest, ...mod.options };
      // TypeScript 7 removed node10 resolution: `module: commonjs` alone is what its users write.
      if (compilerOptions.moduleResolution === 'node10' && !compiler.node10)
        delete compilerOptions.moduleResolution;
      writeFileSync(config, JSON.stringify({ compilerOptions, files }, null, 2));
      const result = spawnSync(compiler.bin, ['-p', config], { cwd: dir, encoding: 'utf8' });
      return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
    };
    const label = `${compiler.name.padEnd(10)} module ${mod.name.padEnd(18)}`;
    const ok = compile(mod.exts.map((ext) => `use${ext}`));
    const bad = compile([`mismatch${mod.exts[0]}`]);
    const badNames = bad.status !== 0 && namesBothTypes.test(bad.output);
    if (ok.status === 0 && badNames) {
      console.log(`ok   ${label}`);
      continue;
    }
    failures++;
    console.log(`FAIL ${label}`);
    if (ok.status !== 0) console.log(ok.output.replace(/^/gm, '     '));
    if (!badNames)
      console.log(
        `     a mismatched stage must be an error naming both types, got:\n${bad.output || '(no error)'}`,
      );
  }
}
if (failures > 0) {
  console.error(`${failures} consumer configuration(s) failed`);
  process.exit(1);
}
console.log('every consumer configuration compiles');
