// `npm run examples [name…]`: every pattern example in examples/, one by one, each in its own
// process and to its end (`--auto` answers the prompts some of them make).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const examples = readdirSync('examples')
  .filter((file) => file.endsWith('.ts') && !file.endsWith('-worker.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

for (const file of examples) {
  console.log(`\n=== examples/${file} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`, '--auto'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) {
    console.error(`examples/${file} failed with exit code ${run.status}`);
    process.exit(1);
  }
}
