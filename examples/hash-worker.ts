import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** Worker module for `cpu-fan-out.ts`: reads one file and hashes it, off the main thread. */
export default async function hashFile(
  path: string,
): Promise<{ path: string; bytes: number; sha256: string }> {
  const data = await readFile(path);
  return { path, bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}
