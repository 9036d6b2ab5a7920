// The broker section: examples/distributed.ts (a producer and three workers over one Redis consumer
// group, one killed with SIGKILL), in a child process; it says how to start Redis when none answers.
import { spawn } from 'node:child_process';
import type { Section } from './section.js';

export const distributed: Section = {
  title: 'Across processes: Redis Streams, one worker SIGKILLed (examples/distributed.ts)',
  run: (signal) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'examples/distributed.ts', '--auto'], {
        stdio: 'inherit',
      });
      const stop = (): void => void child.kill('SIGINT');
      signal.addEventListener('abort', stop, { once: true });
      child.on('exit', (code) => {
        signal.removeEventListener('abort', stop);
        if (code === 0 || signal.aborted) resolve();
        else reject(new Error(`examples/distributed.ts exited with code ${code}`));
      });
    }),
};
