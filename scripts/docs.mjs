// `npm run docs`: builds the TypeDoc site (docs/api, git-ignored) with warnings as errors
// (typedoc.json), then checks that every exported function, class and variable has an `@example`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-docs-'));
try {
  const json = join(tmp, 'api.json');
  execFileSync('npx', ['typedoc', '--json', json], { stdio: 'inherit' });
  const project = JSON.parse(readFileSync(json, 'utf8'));
  const missing = [];
  for (const entry of project.children ?? []) {
    for (const child of entry.children ?? []) {
      // Functions, classes and variables: the callable API. Options interfaces and type aliases are
      // documented (typedoc.json's requiredToBeDocumented) and shown in their function's example.
      if (![32, 64, 128].includes(child.kind)) continue;
      const comment = child.comment ?? child.signatures?.find((signature) => signature.comment)?.comment;
      if (!comment?.blockTags?.some((tag) => tag.tag === '@example'))
        missing.push(`${entry.name}: ${child.name}`);
    }
  }
  if (missing.length > 0) {
    console.error(
      `Exports without an @example in their TSDoc (${missing.length}):\n  ${missing.join('\n  ')}`,
    );
    process.exitCode = 1;
  } else console.log('docs/api built; every exported function and class has an @example');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
