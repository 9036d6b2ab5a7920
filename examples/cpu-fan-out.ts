// CPU fan-out: hash every file of a tree on worker threads, then fold the hashes into one digest.
// Run: npx tsx examples/cpu-fan-out.ts [dir]   (Ctrl-C stops cleanly)
//
// Go shape:
//   paths := walk(ctx, root)                          // one producer
//   for i := 0; i < n; i++ { go hasher(ctx, paths, results) } // n workers, one per core
//   for r := range results { fold(r) }                // fan-in
import { createHash } from 'node:crypto';
import { opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { forEach, pipe, workerMap } from '../lib/index.js';
import type hashFile from './hash-worker.js';

const SKIP = new Set(['node_modules', '.git', 'dist']);

/** Every file under `dir`, depth first; stops opening directories once `signal` aborts. */
async function* walk(dir: string, signal: AbortSignal): AsyncGenerator<string> {
  for await (const entry of await opendir(dir)) {
    signal.throwIfAborted();
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP.has(entry.name)) yield* walk(path, signal);
    else if (entry.isFile()) yield path;
  }
}

async function main(root = process.cwd()): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  const started = performance.now();
  const hashes: string[] = [];
  let bytes = 0;
  try {
    // The worker is a .ts module: tsx's loader reaches the threads through the inherited execArgv.
    const hash = workerMap<string, Awaited<ReturnType<typeof hashFile>>>(
      new URL('./hash-worker.ts', import.meta.url),
    );
    const files = pipe(walk(root, controller.signal), hash, { signal: controller.signal });
    await forEach(files, (file) => {
      hashes.push(`${file.sha256}  ${relative(root, file.path)}`);
      bytes += file.bytes;
      if (hashes.length % 50 !== 0) return;
      const line = `hashed ${hashes.length} files, ${mib(bytes)} MiB`;
      process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
    });
    // Directory order varies by file system: sort so the same tree always folds to the same digest.
    const digest = createHash('sha256').update(hashes.sort().join('\n')).digest('hex');
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(`\rhashed ${hashes.length} files, ${mib(bytes)} MiB in ${seconds} s; tree digest ${digest}`);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    console.log(`\nstopped after ${hashes.length} files`);
  } finally {
    process.removeListener('SIGINT', stop);
  }
}

const mib = (n: number): string => (n / 2 ** 20).toFixed(1);

main(process.argv.slice(2).find((arg) => !arg.startsWith('--'))).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
