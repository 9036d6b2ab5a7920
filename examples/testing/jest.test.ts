// sluice/testing under jest (global hooks).
// Run: npx jest examples/testing/jest.test.ts --roots examples/testing
import { useLeakCheck } from 'sluice/testing';
import { cleanRun, deliberateDeadlock, deliberateLeak } from './cases.js';

useLeakCheck();

describe('sluice/testing under jest', () => {
  it('passes a clean run', cleanRun);
  it('catches a deliberate leak', deliberateLeak);
  it('catches a deliberate deadlock', deliberateDeadlock);
});
