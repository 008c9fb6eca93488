import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails any test during which the Slack emulator refused a call (as real Slack would have).
    setupFiles: ['test/support/emulator-guard.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real redis-server and git processes; two cores are plenty busy.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
