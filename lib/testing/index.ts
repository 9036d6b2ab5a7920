export {
  leakCheck,
  LeakError,
  LeakScope,
  settle,
  useLeakCheck,
  type Leak,
  type TestHooks,
} from './leak-check.js';
export { TestClock, useTestClock } from './test-clock.js';
export { DeadlockError } from './deadlock.js';
