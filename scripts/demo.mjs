// `npm run demo`: the showcase, section after section (scripts/demo/main.ts), in a child process
// that owns Ctrl-C: this launcher ignores SIGINT and exits as the child does. The pattern examples
// run one by one with `npm run examples`.
import { spawn } from 'node:child_process';

const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo/main.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.on('SIGINT', () => {}); // the terminal sends it to the child too, which stops cleanly
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
