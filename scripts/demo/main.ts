// The showcase: a list of sections run in order. Each section takes the signal Ctrl-C aborts and
// the output its live view writes to; a later section (a broker demo, say) is one more entry.
import { distributed } from './distributed.js';
import { etl } from './etl.js';
import type { Section } from './section.js';

const sections: Section[] = [etl, distributed];

const interrupt = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\nCtrl-C: stopping…\n');
  interrupt.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', () => process.exit(130)); // a second Ctrl-C does not wait
});

for (const section of sections) {
  if (interrupt.signal.aborted) break;
  console.log(`\n=== ${section.title} ===`);
  await section.run(interrupt.signal, process.stderr);
}
if (interrupt.signal.aborted) process.exitCode = 130;
