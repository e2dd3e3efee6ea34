import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Commands under test start no analysis daemon (a background process outliving the test) unless a test asks
    // for one with a private ZERR_DAEMON_DIR (test/e2e/verify-cli.test.ts).
    // A command started outside any project keeps its state in the user's data folder (store/state-folder.ts): a
    // private one for the run, never the real home's.
    env: { ZERR_DAEMON: 'off', XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'zerr-test-data-')) },
  },
});
