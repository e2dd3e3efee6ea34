import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** The user data (and config) folder of every command the tests start outside a project (removed when the run ends). */
const dataHome = mkdtempSync(join(tmpdir(), 'zerr-test-data-'));
process.once('exit', () => rmSync(dataHome, { recursive: true, force: true }));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // The repositories `zerr implement` is tested on hold their own tests, run by zerr, not by this suite.
    exclude: ['**/node_modules/**', 'test/fixtures/implement/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Commands under test start no analysis daemon (a background process outliving the test) unless a test asks
    // for one with a private ZERR_DAEMON_DIR (test/e2e/verify-cli.test.ts).
    // A command started outside any project keeps its state in the user's data folder (store/state-folder.ts), and
    // reads the user's zerr config (config/zerr-config.ts): private ones for the run, never the real home's.
    env: { ZERR_DAEMON: 'off', XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: join(dataHome, 'config') },
  },
});
