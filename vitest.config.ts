import { defineConfig } from 'vitest/config';

// A test that asserts nothing cannot fail; a poll gives the slow machine time before it does.
const expect = { requireAssertions: true, poll: { timeout: 10_000 } };

// Node 25+ has a localStorage global of its own (undefined without --localstorage-file), and the
// happy-dom environment keeps a global Node already has: switched off, happy-dom's Storage is used.
// Only a Node that knows the flag may be given its negation (Node 20 refuses an unknown one).
const happyDomArgv = process.allowedNodeEnvironmentFlags.has('--webstorage')
  ? ['--no-webstorage']
  : [];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['test/browser/helpers/quiet-network-log.ts'],
          execArgv: happyDomArgv,
          expect,
        },
      },
      {
        test: {
          name: 'node',
          include: ['test/server/**/*.test.ts', 'test/ssr/**/*.test.ts', 'test/demo/**/*.test.ts'],
          environment: 'node',
          expect,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/package/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          expect,
        },
      },
    ],
  },
});
