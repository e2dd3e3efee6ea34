import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { typeBomb } from '../../../test/fixtures/typescript/type-bomb.js';
import { AnalysisTimeoutError } from '../typescript/analysis-limit-error.js';
import { SharedTypeScriptAnalysis } from '../typescript/shared-typescript-analysis.js';
import { DaemonAlreadyRunningError, serveAnalysisDaemon, type AnalysisDaemon } from './analysis-daemon.js';
import { DaemonAnalysisChannel, daemonStatus, stopDaemon } from './daemon-client.js';
import { daemonIdentity, daemonPlace } from './daemon-protocol.js';

const BAD = 'function f(a: number[]): number {\n  const m = new Map<string, number>();\n  return m.get("x") + a.at(-1)!;\n}\n';
const LINTED = 'export function f(x: number): number {\n  return x;\n  x += 1;\n}\n';
const RULES = { 'no-unreachable': 'error', '@typescript-eslint/no-unnecessary-condition': 'error' } as const;

const folders: string[] = [];
/** A private socket folder (mode 0700) and the environment that points the daemon's clients at it. */
function privateEnv(): { readonly env: NodeJS.ProcessEnv; readonly socketPath: string } {
  const folder = mkdtempSync(join(tmpdir(), 'zerr-daemon-test-'));
  folders.push(folder);
  const env = { ...process.env, ZERR_DAEMON_DIR: folder };
  const place = daemonPlace(env);
  if ('unavailable' in place) throw new Error(place.unavailable);
  return { env, socketPath: place.socketPath };
}

const daemons: AnalysisDaemon[] = [];
async function serve(socketPath: string, options: { idleTimeoutMs?: number; socketCheckIntervalMs?: number } = {}): Promise<AnalysisDaemon> {
  const daemon = await serveAnalysisDaemon({ socketPath, identity: daemonIdentity(), ...options });
  daemons.push(daemon);
  return daemon;
}

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.close()));
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('analysis daemon', () => {
  test('answers type checks and lints exactly as a worker of the command\'s own would; status counts them', async () => {
    const { env, socketPath } = privateEnv();
    await serve(socketPath);
    const channel = new DaemonAnalysisChannel({ env, autoStart: false });
    const viaDaemon = new SharedTypeScriptAnalysis({ channel });
    const local = new SharedTypeScriptAnalysis();
    try {
      const [daemonTypes, localTypes] = [await viaDaemon.typeChecker.checkTypes(BAD), await local.typeChecker.checkTypes(BAD)];
      expect(daemonTypes.semantic.length).toBeGreaterThan(0);
      expect(daemonTypes).toEqual({ ...localTypes, durationMs: daemonTypes.durationMs });
      const daemonLint = await viaDaemon.linter.lint(LINTED, { rules: RULES, typeAware: true });
      const localLint = await local.linter.lint(LINTED, { rules: RULES, typeAware: true });
      expect(JSON.stringify(daemonLint)).toContain('no-unreachable');
      expect(daemonLint).toEqual({ ...localLint, durationMs: daemonLint.durationMs });
      expect(channel.fallbackReason).toBeUndefined();
      const status = await daemonStatus(env);
      expect(status).toMatchObject({ value: { pid: process.pid, requests: 2, socketPath, identity: daemonIdentity() } });
    } finally {
      await Promise.all([viaDaemon.close(), local.close()]);
    }
  }, 120_000);

  test('a candidate\'s analysis past its limit crosses over as the same error; the daemon goes on with a new worker', async () => {
    const { env, socketPath } = privateEnv();
    await serve(socketPath);
    const channel = new DaemonAnalysisChannel({ env, autoStart: false });
    const analysis = new SharedTypeScriptAnalysis({ channel });
    try {
      const bomb = analysis.typeChecker.checkTypes(typeBomb(22), { timeoutMs: 500 });
      await expect(bomb).rejects.toThrow(AnalysisTimeoutError);
      await expect(bomb).rejects.toMatchObject({ code: 'analysis_timed_out', message: 'type check timed out after 500 ms', timeoutMs: 500 });
      expect((await analysis.typeChecker.checkTypes('const ok: number = 1;\n')).semantic).toEqual([]);
      expect(channel.fallbackReason).toBeUndefined(); // answered by the daemon, not by a local worker
    } finally {
      await analysis.close();
    }
  }, 120_000);

  test('a daemon that goes away is given up for a local worker: the result, never a verdict from the failure', async () => {
    const { env, socketPath } = privateEnv();
    const daemon = await serve(socketPath);
    const reasons: string[] = [];
    const channel = new DaemonAnalysisChannel({ env, autoStart: false, onFallback: (reason) => reasons.push(reason) });
    const analysis = new SharedTypeScriptAnalysis({ channel });
    try {
      expect((await analysis.typeChecker.checkTypes(BAD)).semantic.length).toBeGreaterThan(0);
      await daemon.close();
      const after = await analysis.typeChecker.checkTypes(BAD);
      expect(after.semantic.length).toBeGreaterThan(0);
      expect(channel.fallbackReason).toMatch(/analysis daemon (closed the connection|failed)/);
      expect(reasons).toHaveLength(1);
    } finally {
      await analysis.close();
    }
  }, 120_000);

  test('no daemon and no auto-start: the local worker answers, and says why', async () => {
    const { env, socketPath } = privateEnv();
    const channel = new DaemonAnalysisChannel({ env, autoStart: false });
    const analysis = new SharedTypeScriptAnalysis({ channel });
    try {
      expect((await analysis.typeChecker.checkTypes(BAD)).semantic.length).toBeGreaterThan(0);
      expect(channel.fallbackReason).toBe(`no analysis daemon answers on ${socketPath}`);
    } finally {
      await analysis.close();
    }
  }, 120_000);

  test('takes over a socket file nobody answers on; refuses to start beside a live daemon', async () => {
    const { socketPath } = privateEnv();
    // A socket file left by a daemon that died: bound, then the server closed without removing the file.
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(socketPath, resolve));
    const stale = `${socketPath}.kept`;
    renameSync(socketPath, stale);
    await new Promise<void>((resolve) => dead.close(() => { resolve(); }));
    renameSync(stale, socketPath);
    expect(existsSync(socketPath)).toBe(true);
    await serve(socketPath);
    await expect(serveAnalysisDaemon({ socketPath, identity: 'x' })).rejects.toThrow(DaemonAlreadyRunningError);
  });

  test('stops when idle, on request, and when its socket file is replaced; removes only its own socket file', async () => {
    const idle = privateEnv();
    const idler = await serve(idle.socketPath, { idleTimeoutMs: 200 });
    await expect(idler.stopped).resolves.toBe('idle for 200 ms');
    expect(existsSync(idle.socketPath)).toBe(false);

    const asked = privateEnv();
    const stopping = await serve(asked.socketPath);
    await expect(stopDaemon(asked.env)).resolves.toMatchObject({ value: { pid: process.pid } });
    await expect(stopping.stopped).resolves.toBe('stopped on request');
    await expect(daemonStatus(asked.env)).resolves.toMatchObject({ unavailable: expect.stringMatching(/^no analysis daemon answers on /) as unknown });

    const taken = privateEnv();
    const replaced = await serve(taken.socketPath, { socketCheckIntervalMs: 50 });
    rmSync(taken.socketPath);
    writeFileSync(taken.socketPath, 'another daemon\'s'); // a new file by that name
    await expect(replaced.stopped).resolves.toBe('its socket file was removed or replaced');
    expect(existsSync(taken.socketPath)).toBe(true); // not its own: left alone
  });

  test('the socket folder must be the user\'s alone: open modes and symbolic links are refused', () => {
    const open = mkdtempSync(join(tmpdir(), 'zerr-daemon-open-'));
    folders.push(open);
    chmodSync(open, 0o755);
    expect(daemonPlace({ ZERR_DAEMON_DIR: open })).toEqual({ unavailable: `${open} is open to other users (mode 755; expected 700)` });
    const target = mkdtempSync(join(tmpdir(), 'zerr-daemon-target-'));
    folders.push(target);
    const link = `${target}-link`;
    symlinkSync(target, link);
    folders.push(link);
    expect(daemonPlace({ ZERR_DAEMON_DIR: link })).toEqual({ unavailable: `${link} is not a folder` });
    const fresh = join(open, 'fresh');
    expect(daemonPlace({ ZERR_DAEMON_DIR: fresh })).toMatchObject({ socketPath: join(fresh, `analysis-${daemonIdentity()}.sock`) });
  });
});
