import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

/**
 * The whole suite runs twice, once per database Haven supports: `pglite` on the embedded database,
 * `postgres` on a private PostgreSQL server that test/support/postgres-setup.ts starts for the run.
 * `npx vitest run --project pglite` runs one of them.
 */
function project(databaseMode: 'pglite' | 'postgres', globalSetup: string[]): TestProjectInlineConfiguration {
  return {
    resolve: {
      alias: [{ find: /^#haven\/(.*)\.js$/, replacement: `${src}$1.ts` }],
    },
    test: {
      name: databaseMode,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      // Two files at a time: most files wait on child processes, servers or the browser, and vitest's
      // default on a 2-core machine (cores - 1) runs them one by one, past CI's 30 minutes.
      maxWorkers: 2,
      provide: { databaseMode },
      globalSetup,
    },
  };
}

export default defineConfig({
  resolve: {
    alias: [{ find: /^#haven\/(.*)\.js$/, replacement: `${src}$1.ts` }],
  },
  test: {
    // Once for the run: compiles dist/ and prepares the embedded template.
    globalSetup: ['test/support/global-setup.ts'],
    projects: [project('pglite', []), project('postgres', ['test/support/postgres-setup.ts'])],
  },
});
