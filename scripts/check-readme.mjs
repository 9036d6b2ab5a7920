// Type-checks the README's code: every ```ts block is compiled as a module of its own against the
// package's real types (lib/, through the `sluice` and `sluice/testing` paths), strict, no DOM.
// A block may use names it does not define (`signal`, `readings`, `save`: the text introduces them),
// so "cannot find name" errors, and the implicit `any`s that follow from them, are not reported;
// every other error is. A block that cannot compile at all (a sketch of a function body, say) is
// preceded by the line `<!-- partial -->`, which GitHub does not render, and is skipped.
// Blocks in other languages (```sh, ```js, ```text) are not checked.
//
//   node scripts/check-readme.mjs [README.md]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const readme = resolve(process.argv[2] ?? 'README.md');
const lines = readFileSync(readme, 'utf8').split('\n');
const blocks = [];
for (let i = 0; i < lines.length; i++) {
  if (lines[i].trim() !== '```ts') continue;
  const partial = lines[i - 1]?.trim() === '<!-- partial -->';
  const start = i + 1;
  let end = start;
  while (end < lines.length && lines[end].trim() !== '```') end++;
  if (!partial) blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
  i = end;
}

const dir = mkdtempSync(join(process.cwd(), '.readme-check-'));
try {
  const files = blocks.map(({ line, code }) => {
    const file = `readme-line-${line}.ts`;
    writeFileSync(join(dir, file), `${code}\nexport {};\n`);
    return file;
  });
  const compilerOptions = {
    target: 'ES2022',
    lib: ['ES2022', 'ESNext.Disposable'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    baseUrl: '..',
    paths: {
      sluice: ['./lib/index.ts'],
      'sluice/testing': ['./lib/testing/index.ts'],
      'sluice/inspect': ['./lib/inspect/index.ts'],
      'sluice/otel': ['./lib/otel/index.ts'],
      'sluice/redis': ['./lib/redis/index.ts'],
      'sluice/nats': ['./lib/nats/index.ts'],
    },
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
  let output = '';
  try {
    execFileSync('npx', ['tsc', '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (error) {
    output = error.stdout.toString();
  }
  {
    // Cannot find name (2304, 2552), no value for a shorthand property (18004), and the implicit
    // anys of callbacks passed to an undefined name (7006, 7031).
    const free = /error TS(2304|2552|18004|7006|7031):/;
    const reported = output.split('\n').filter((line) => line.includes('error TS') && !free.test(line));
    // Name the README line, not the temporary file.
    const out = reported.join('\n').replace(/readme-line-(\d+)\.ts\((\d+),(\d+)\)/g, (_, block, row, col) => {
      return `README.md:${Number(block) + Number(row) - 1}:${col}`;
    });
    if (reported.length > 0) {
      console.error(out.replaceAll(`${dir}/`, ''));
      process.exitCode = 1;
    } else console.log(`README: ${files.length} ts blocks type-check (names the text defines allowed)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
