import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Commands under test start no analysis daemon (a background process outliving the test) unless a test asks
    // for one with a private ZERR_DAEMON_DIR (test/e2e/verify-cli.test.ts).
    env: { ZERR_DAEMON: 'off' },
  },
});
