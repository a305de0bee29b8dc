import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the protocol from source, so unit tests need no build. End-to-end tests start
// the built server and agent as a user would, so `npm test` builds first.
const protocol = fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url));
const serverTesting = fileURLToPath(new URL('./packages/server/src/testing.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@wachsam/protocol': protocol, '@wachsam/server/testing': serverTesting } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['packages/*/src/**/*.int.test.ts'],
          // Sized for a loaded 2-core machine: a PGlite start alone takes 15 s at load 10.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Fault injection: real servers as processes, a TCP proxy in front of PostgreSQL that
        // drops or black-holes connections, private brokers that are stopped and started.
        extends: true,
        test: {
          name: 'fault',
          include: ['e2e/**/*.fault.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      // `npm run soak` only (WACHSAM_SOAK=1): half an hour of load and faults, not part of `npm test`.
      ...(process.env.WACHSAM_SOAK
        ? [{ extends: true, test: { name: 'soak', include: ['e2e/**/*.soak.ts'], testTimeout: 0, hookTimeout: 0 } }]
        : []),
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
