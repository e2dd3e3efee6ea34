/**
 * @module test/hostile/analysis-daemon
 * Hostile candidate text against the analysis daemon (`verify/analysis-daemon/`, decision 016), which type checks and
 * lints for every `zerr verify` of the user: text that carries JSON-RPC frames (a forged answer, a forged stop), and
 * text nested deep enough to exhaust the parser. Each must get exactly the verdict a worker of the command's own gives
 * it, and the daemon must go on serving the next request. Fixtures: `test/fixtures/hostile/daemon/`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAnalysisDaemon, type AnalysisDaemon } from '../../src/verify/analysis-daemon/analysis-daemon.js';
import { DaemonAnalysisChannel, daemonStatus } from '../../src/verify/analysis-daemon/daemon-client.js';
import { daemonIdentity, daemonPlace } from '../../src/verify/analysis-daemon/daemon-protocol.js';
import { SharedTypeScriptAnalysis } from '../../src/verify/typescript/shared-typescript-analysis.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hostile/daemon');
const RULES = { 'no-unreachable': 'error', 'security/detect-eval-with-expression': 'error' } as const;

const folder = mkdtempSync(join(tmpdir(), 'zerr-hostile-daemon-'));
const env = { ...process.env, ZERR_DAEMON_DIR: folder };
let daemon: AnalysisDaemon;
const viaDaemon = new SharedTypeScriptAnalysis({ channel: new DaemonAnalysisChannel({ env, autoStart: false }) });
const local = new SharedTypeScriptAnalysis();

beforeAll(async () => {
  const place = daemonPlace(env);
  if ('unavailable' in place) throw new Error(place.unavailable);
  daemon = await serveAnalysisDaemon({ socketPath: place.socketPath, identity: daemonIdentity() });
});
afterAll(async () => {
  await Promise.all([viaDaemon.close(), local.close(), daemon.close()]);
  rmSync(folder, { recursive: true, force: true });
});

/** What a verdict depends on: the outcome (result or error code and message), timings left out. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = (await run()) as Record<string, unknown>;
    return { ...result, durationMs: 0 };
  } catch (error) {
    return { error: (error as { code?: string }).code, message: (error as Error).message };
  }
}

async function requests(): Promise<number> {
  const status = await daemonStatus(env);
  if (!('value' in status)) throw new Error(status.unavailable);
  return status.value.requests;
}

describe('hostile candidate text against the analysis daemon', () => {
  const frames = readFileSync(join(FIXTURES, 'd01-frame-injection.ts'), 'utf8');
  // 100,000 nested parentheses: deep enough to exhaust a recursive parser's stack.
  const nested = `export const x = ${'('.repeat(100_000)}1${')'.repeat(100_000)};\n`;

  it.each([
    ['d01-frame-injection.ts', frames],
    ['100,000 nested parentheses (generated)', nested],
  ])('%s: the verdict a local worker gives, and the daemon serves the next request', async (_label, code) => {
    const before = await requests();
    const daemonTypes = await outcome(() => viaDaemon.typeChecker.checkTypes(code));
    const localTypes = await outcome(() => local.typeChecker.checkTypes(code));
    expect(daemonTypes).toEqual(localTypes);
    const daemonLint = await outcome(() => viaDaemon.linter.lint(code, { rules: RULES, typeAware: true }));
    const localLint = await outcome(() => local.linter.lint(code, { rules: RULES, typeAware: true }));
    expect(daemonLint).toEqual(localLint);
    expect(await requests()).toBe(before + 2); // no forged request was taken up
    expect((await viaDaemon.typeChecker.checkTypes('const ok: number = 1;\n')).semantic).toEqual([]);
  }, 120_000);

  it('the frames fixture is caught, not hidden: a type error and an eval finding come back', async () => {
    const types = await viaDaemon.typeChecker.checkTypes(frames);
    expect(JSON.stringify(types.semantic)).toContain("Type 'number' is not assignable to type 'string'");
    const lint = await viaDaemon.linter.lint(frames, { rules: RULES });
    expect(JSON.stringify(lint)).toContain('security/detect-eval-with-expression');
  }, 60_000);
});
