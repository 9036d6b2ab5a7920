// Builds dist/esm and dist/cjs with tsc, each marked with its own package.json `type`
// so Node loads the right format whichever way a consumer imports sluice.
// The source maps name ../../lib/*.ts, which the package ships (`files`), so a stack frame under
// --enable-source-maps names a file that exists.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const tsc = (args) =>
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
tsc(['--outDir', 'dist/esm', '--module', 'ES2022', '--moduleResolution', 'Bundler']);
tsc(['--outDir', 'dist/cjs', '--module', 'CommonJS', '--moduleResolution', 'Node10']);
for (const [dir, type] of [
  ['dist/esm', 'module'],
  ['dist/cjs', 'commonjs'],
]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type }) + '\n');
  // The module workerMap's threads run: plain CommonJS, the same file for both formats.
  copyFileSync('lib/fan/worker-entry.cjs', `${dir}/fan/worker-entry.cjs`);
}

// ESM has no __dirname: worker-map finds worker-entry.cjs beside itself through import.meta.url.
const workerMap = 'dist/esm/fan/worker-map.js';
const code = readFileSync(workerMap, 'utf8');
const marker = "join(__dirname, 'worker-entry.cjs')";
if (!code.includes(marker)) throw new Error(`build: ${marker} not found in ${workerMap}`);
writeFileSync(workerMap, code.replace(marker, "fileURLToPath(new URL('worker-entry.cjs', import.meta.url))"));
