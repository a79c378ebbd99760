import { defineConfig } from 'vitest/config';

// One run covers both packages: the app's tests here, the platform's under packages/local-platform.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'app',
          include: ['test/**/*.test.ts'],
          // better-sqlite3 is a native addon and the platform patches Node's module loader: separate processes
          // keep each suite's platform isolated.
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // The app loads the platform as its users do: the built package, by Node, not transformed by vitest.
          server: { deps: { external: [/packages\/local-platform\/dist\//] } },
        },
      },
      'packages/local-platform',
    ],
  },
});
