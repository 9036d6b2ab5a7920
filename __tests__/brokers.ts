/**
 * Whether a broker's real server is reachable, checked once per test file before the tests are
 * defined. Unreachable: its suite is skipped with a notice, or fails with `SLUICE_BROKERS=require`
 * (CI), so a user's machine without the servers still passes `npm test`.
 */
import { spawnSync } from 'node:child_process';

const probe = `
const socket = require('node:net').connect(Number(process.argv[1]), '127.0.0.1');
socket.setTimeout(1000, () => process.exit(1));
socket.on('connect', () => process.exit(0));
socket.on('error', () => process.exit(1));`;

export function brokerDescribe(name: string, port: number): jest.Describe {
  const reachable = spawnSync(process.execPath, ['-e', probe, String(port)], { timeout: 3000 }).status === 0;
  if (reachable) return describe;
  const notice = `${name} is not reachable at 127.0.0.1:${port}`;
  if (process.env.SLUICE_BROKERS === 'require') throw new Error(`${notice}, and SLUICE_BROKERS=require`);
  console.warn(`${notice}: its tests are skipped (set SLUICE_BROKERS=require to fail instead)`);
  return describe.skip;
}

let counter = 0;
/** A name no other test uses: each test has its own streams, groups and subjects. */
export function uniqueName(prefix: string): string {
  return `sluice-test-${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}
