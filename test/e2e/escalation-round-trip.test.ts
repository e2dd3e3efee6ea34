/**
 * The escalation round trip (issue 13 #5) with the built CLI: `zerr solve --fallback escalate` on a hand-written
 * replay whose answers never agree (labelled: not a model's output) opens an answerable escalation; a wrong answer is
 * rejected when it is given, with the failing layer's reason, and not stored; a right one is accepted and stored.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n';
const WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n';
const ALSO_WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return low;\n}\n';

let work: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-esc-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function zerr(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1', ZERR_MODEL: '' }, timeout: 180_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('escalation round trip', () => {
  it('solve --fallback escalate opens an escalation; a wrong answer is rejected with its reason, a right one accepted', async () => {
    // Hand-written replay: only wrong answers (they fail the visible tests), so nothing can win.
    const replay = join(work, 'clamp.replay.jsonl');
    await writeFile(replay, `${JSON.stringify({ taskId: 'clamp', completions: [WRONG, ALSO_WRONG, WRONG, ALSO_WRONG], style: 'full-code' })}\n`);
    const solved = await zerr(['solve', CLAMP, '--model', `replay:${replay}`, '--k', '2', '--max-samples', '4', '--fallback', 'escalate', '--json', '--out', join(work, 'out')]);
    expect(solved.code, solved.stderr).toBe(2);
    const { runId } = JSON.parse(solved.stdout) as { runId: string; outcome: string };
    expect(JSON.parse(solved.stdout)).toMatchObject({ outcome: 'escalated' });

    const listed = await zerr(['escalations', 'list', '--run', runId]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/esc-1/);

    await writeFile(join(work, 'wrong.ts'), WRONG);
    const rejected = await zerr(['escalations', 'answer', runId, 'esc-1', '--code-file', join(work, 'wrong.ts')]);
    expect(rejected.code, rejected.stderr).toBe(2);
    expect(rejected.stdout).toMatch(/^rejected: the answer to esc-1 failed unit-tests: test \d+: clamp\(.*\) returned .*, expected .*/m);
    expect((await zerr(['escalations', 'list', '--run', runId])).stdout).toMatch(/esc-1/); // still open

    await writeFile(join(work, 'good.ts'), GOOD);
    const accepted = await zerr(['escalations', 'answer', runId, 'esc-1', '--code-file', join(work, 'good.ts')]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^accepted: the answer passed every verification layer; esc-1 of run/);
    const open = await zerr(['escalations', 'list', '--run', runId]);
    expect(open.stdout).not.toMatch(/esc-1/);
    const all = await zerr(['escalations', 'list', '--run', runId, '--all']);
    expect(all.stdout).toMatch(/esc-1/);
  }, 300_000);
});
