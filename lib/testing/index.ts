export { LeakError, LeakScope, settle, useLeakCheck, type Leak } from './leak-check.js';
