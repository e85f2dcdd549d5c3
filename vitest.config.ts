import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the workspace packages from source, so a change is tested without a rebuild.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@amojo-bridge\/sdk\/testing$/, replacement: src('./packages/sdk/src/testing/index.ts') },
      { find: /^@amojo-bridge\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^@amojo-bridge\/sandbox$/, replacement: src('./packages/sandbox/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./packages/bridge/test/support/postgres-global-setup.ts'],
    // Fails a test (or file) that leaves a queue worker, worker thread, bridge store or listening server running.
    setupFiles: [
      './packages/bridge/test/support/leak-check-setup.ts',
      // Prints what the harnesses and pages of a failed test saw.
      './packages/bridge/test/support/failure-reports-setup.ts',
    ],
  },
});
