import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'local-platform',
    include: ['test/**/*.test.ts'],
    // better-sqlite3 is a native addon and the platform patches Node's module loader: separate processes keep
    // each suite's platform isolated.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
