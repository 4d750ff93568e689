// Vitest runs everything under test/: unit, integration (real SQLite, real SMTP) and e2e (real Chromium).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on CI's 2 cores, one file at a time. Most files wait on
    // I/O (SMTP over loopback, child processes, Chromium), so two at a time finish the suite well inside its budget.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
