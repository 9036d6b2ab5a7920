// sluice/testing under node:test. Run: node --import tsx --test examples/testing/node-test.test.ts
import { afterEach, beforeEach, it } from 'node:test';
import { collect, pipe, range } from 'sluice';
import { leakCheck, useLeakCheck } from 'sluice/testing';
import { cleanRun, deliberateDeadlock, deliberateLeak } from './cases.js';

useLeakCheck({ beforeEach, afterEach }); // every test in this file fails if it leaks

it('passes a clean run', cleanRun);
it('catches a deliberate leak', deliberateLeak);
it('catches a deliberate deadlock', deliberateDeadlock);
it('checks one test with leakCheck(t)', async (t) => {
  leakCheck(t);
  await collect(pipe(range(0, 3)));
});
