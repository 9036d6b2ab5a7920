/**
 * Runs before every test file: fails the test during which a promise rejection went unhandled.
 * The contract says none ever escapes sluice (losers of a race, abandoned returns, aborted calls).
 */
import { settle } from '../lib/testing/index.js';

const unhandled: unknown[] = [];
const record = (reason: unknown): void => void unhandled.push(reason);

beforeAll(() => process.on('unhandledRejection', record));
afterAll(() => process.off('unhandledRejection', record));

afterEach(async () => {
  await settle();
  const reasons = unhandled.splice(0);
  if (reasons.length > 0)
    throw new Error(`Unhandled rejection(s) during the test: ${reasons.map(String).join('; ')}`);
});
