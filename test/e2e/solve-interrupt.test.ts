/**
 * Ctrl-C on `zerr solve` (issue 13 #4): the built CLI in a child process, a hand-written replay of clamp answers
 * (labelled as such: not a model's output), the real sandbox. SIGINT once the store holds a few samples pauses the
 * run (exit 6, one line naming `zerr resume <id>`, status `paused`); `zerr resume <id>` finishes it without drawing
 * a recorded sample again; a second `resume` of the finished run is refused (exit 3).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n';
const WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n';

let work: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-int-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function count(store: string, sql: string): number {
  if (!existsSync(store)) return 0;
  try {
    const db = new Database(store, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

function zerr(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, env, timeout: 180_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('zerr solve: Ctrl-C pauses, resume finishes', () => {
  it('SIGINT mid-run: exit 6 and a paused run; zerr resume completes it with every sample drawn once', async () => {
    // Hand-written replay (not model output): answers alternate good and wrong, so k = 8 needs many samples.
    const replay = join(work, 'clamp.replay.jsonl');
    const completions = Array.from({ length: 40 }, (_, i) => (i % 3 === 2 ? WRONG : GOOD));
    await writeFile(replay, `${JSON.stringify({ taskId: 'clamp', completions, style: 'full-code' })}\n`);
    const store = join(work, 'runs.sqlite');
    const env = { ...process.env, ZERR_STORE: store, CI: '1', ZERR_MODEL: '' };
    const args = ['solve', CLAMP, '--model', `replay:${replay}`, '--k', '8', '--max-samples', '40', '--parallelism', '1', '--out', join(work, 'out')];

    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exitCode = await new Promise<number | null>((done) => {
      let signalled = false;
      const poll = setInterval(() => {
        if (!signalled && count(store, 'SELECT count(*) FROM samples') >= 3) {
          signalled = true;
          child.kill('SIGINT');
        }
      }, 20);
      child.once('exit', (code) => {
        clearInterval(poll);
        done(code);
      });
    });
    expect(exitCode, stderr).toBe(6);
    expect(stderr).toMatch(/SIGINT: pausing/);
    const runId = /zerr resume (\S+)/.exec(stderr)?.[1];
    expect(runId, stderr).toBeDefined();
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(count(store, `SELECT count(*) FROM runs WHERE status = 'paused'`)).toBe(1);
    const before = count(store, 'SELECT count(*) FROM samples');
    expect(count(store, 'SELECT count(*) FROM decisions')).toBe(0);
    expect(count(store, 'SELECT count(*) FROM run_owners')).toBe(0); // the claim was given back

    const resumed = await zerr(['resume', runId ?? ''], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/task clamp: consensus/);
    expect(count(store, `SELECT count(*) FROM runs WHERE status = 'completed'`)).toBe(1);
    // Sample indexes continue after the recorded ones: none twice (the store refuses duplicates), none skipped.
    const samples = count(store, 'SELECT count(*) FROM samples');
    expect(samples).toBeGreaterThan(before);
    expect(count(store, 'SELECT max(sample_index) + 1 FROM samples')).toBe(samples);

    const again = await zerr(['resume', runId ?? ''], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already complete/);
  }, 240_000);
});
