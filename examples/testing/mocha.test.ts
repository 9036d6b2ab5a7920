// sluice/testing under mocha (global hooks). Run: npx mocha --import=tsx examples/testing/mocha.test.ts
import { useLeakCheck } from 'sluice/testing';
import { cleanRun, deliberateDeadlock, deliberateLeak } from './cases.js';

useLeakCheck(); // mocha's global beforeEach/afterEach

describe('sluice/testing under mocha', () => {
  it('passes a clean run', cleanRun);
  it('catches a deliberate leak', deliberateLeak);
  it('catches a deliberate deadlock', deliberateDeadlock);
});
