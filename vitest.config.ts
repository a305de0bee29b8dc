import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the protocol from source, so unit tests need no build. End-to-end tests start
// the built server and agent as a user would, so `npm test` builds first.
const protocol = fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url));
const serverTesting = fileURLToPath(new URL('./packages/server/src/testing.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@wachsam/protocol': protocol, '@wachsam/server/testing': serverTesting } },
  test: {
    // Vitest's default is one worker per core minus one: a single worker on the 2-core CI
    // machine. Integration tests mostly wait on PostgreSQL, PGlite and their server's sockets,
    // so three at once finish the tier in about half the time. The process tiers run after
    // them (groupOrder), so their timing is never shared with that load: the end-to-end files
    // two at a time, the fault files one at a time.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['packages/*/src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          sequence: { groupOrder: 0 },
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
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 1 },
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Two files at a time: each starts its own servers on free ports with its own
          // databases, and most of their time is spent waiting (timers, reconnects, a browser).
          maxWorkers: 2,
        },
      },
    ],
  },
});
