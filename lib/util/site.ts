import { relative } from 'node:path';

/** `path:line:column` of a stack frame, with a `file://` URL turned into a path. */
function locationOf(frame: string): { file: string; at: string } | undefined {
  const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?$/.exec(frame.trim());
  if (!match) return undefined;
  const file = match[1].startsWith('file://') ? decodeURIComponent(new URL(match[1]).pathname) : match[1];
  return { file, at: `${match[2]}:${match[3]}` };
}

/** The folder holding sluice's own modules (`lib/`, `dist/esm/` or `dist/cjs/`), from this file's place in it. */
const ownRoot = ((): string | undefined => {
  const frame = new Error().stack?.split('\n')[1];
  const file = frame === undefined ? undefined : locationOf(frame)?.file;
  return file?.replace(/[\\/]util[\\/][^\\/]+$/, '');
})();

/**
 * The first frame of `stack` in the user's code — not in sluice, not in Node, not in a package
 * (a test runner) — as `path:line:column` relative to the working directory.
 */
export function userSite(stack: string | undefined): string | undefined {
  for (const frame of stack?.split('\n') ?? []) {
    const location = locationOf(frame);
    if (!location) continue;
    const { file } = location;
    if (ownRoot !== undefined && file.startsWith(ownRoot)) continue;
    if (file.startsWith('node:') || /[\\/]node_modules[\\/]/.test(file)) continue;
    return `${relative(process.cwd(), file)}:${location.at}`;
  }
  return undefined;
}
