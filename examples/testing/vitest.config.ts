// Points `sluice` at the source, as tsconfig's paths do for tsx; a user's project needs none of this.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const lib = (path: string): string => fileURLToPath(new URL(`../../lib/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^sluice\/testing$/, replacement: lib('testing/index.ts') },
      { find: /^sluice$/, replacement: lib('index.ts') },
    ],
  },
  test: { include: ['vitest.test.ts'] },
});
