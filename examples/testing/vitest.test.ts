// sluice/testing under vitest (no globals: pass its hooks).
// Run: npx vitest run --root examples/testing
import { afterEach, beforeEach, describe, it } from 'vitest';
import { useLeakCheck } from 'sluice/testing';
import { cleanRun, deliberateDeadlock, deliberateLeak } from './cases.js';

useLeakCheck({ beforeEach, afterEach });

describe('sluice/testing under vitest', () => {
  it('passes a clean run', cleanRun);
  it('catches a deliberate leak', deliberateLeak);
  it('catches a deliberate deadlock', deliberateDeadlock);
});
