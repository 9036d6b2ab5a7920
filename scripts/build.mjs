// Builds dist/esm and dist/cjs with tsc, each marked with its own package.json `type`
// so Node loads the right format whichever way a consumer imports sluice.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

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
}
