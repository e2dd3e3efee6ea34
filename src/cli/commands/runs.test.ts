/**
 * `zerr runs show` in process on a real SQLite store file: `latest`, id prefixes, clear errors for unknown and
 * ambiguous names, and `--samples` printing each sample's red-flag rule and reason or failing layer and reason.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { SqliteRunStore } from '../../store/index.js';
import { main } from '../main.js';

let work: string;
let storePath: string;

async function zerr(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; });
  try {
    const code = await main(['node', 'zerr', ...args, '--store', storePath]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-runs-cli-'));
  storePath = join(work, 'runs.sqlite');
  const store = await SqliteRunStore.open({ path: storePath });
  const sample = (sampleIndex: number) => ({
    taskId: 'clamp', sampleIndex, model: 'mock:x', temperature: 0.7, promptVariant: 'plain', text: 't', code: 'function clamp() {}',
    inputTokens: 10, outputTokens: 20, latencyMs: 5, finishReason: 'stop', costUsd: null, createdAt: 1,
  });
  for (const [id, createdAt] of [['run-20260101-100000-aaaaaa', 1000], ['run-20260101-110000-bbbbbb', 2000], ['run-20260102-090000-cccccc', 3000]] as const) {
    await store.createRun({ id, kind: 'solve', model: 'mock:x', config: { k: 2 }, createdAt });
  }
  const runId = 'run-20260102-090000-cccccc';
  await store.recordTask(runId, { taskId: 'clamp', spec: {} });
  for (const index of [0, 1, 2, 3]) await store.recordSample(runId, sample(index));
  await store.recordRedFlag(runId, { taskId: 'clamp', sampleIndex: 0, rule: 'refusal-or-hedge', reason: 'the answer says "I cannot"\n  and hedges' });
  await store.recordLayerResult(runId, { taskId: 'clamp', sampleIndex: 1, layer: 'syntax', status: 'pass', reason: '', durationMs: 1, details: null });
  await store.recordLayerResult(runId, { taskId: 'clamp', sampleIndex: 1, layer: 'unit-tests', status: 'fail', reason: 'test 2: clamp(-3, 0, 10) returned -3, expected 0', durationMs: 3, details: null });
  for (const index of [2, 3]) {
    await store.recordLayerResult(runId, { taskId: 'clamp', sampleIndex: index, layer: 'unit-tests', status: 'pass', reason: '', durationMs: 2, details: null });
    await store.recordVote(runId, { taskId: 'clamp', sampleIndex: index, classKey: 'c0ffee', signature: '[]' });
  }
  await store.recordDecision(runId, {
    taskId: 'clamp', outcome: 'consensus', classKey: 'c0ffee', code: 'function clamp() {}', votes: 2, runnerUpVotes: 0, samples: 4, k: 2, reason: 'class c0ffee led by 2', decidedAt: 9,
  });
  await store.close();
});
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('zerr runs show', () => {
  test('latest and unique prefixes name a run; --samples prints the red-flag rule and reason, and the failing layer and reason', async () => {
    const latest = await zerr('runs', 'show', 'latest', '--samples');
    expect(latest.stderr).toBe('');
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain('run run-20260102-090000-cccccc: solve');
    expect(latest.stdout).toContain('      red flag refusal-or-hedge: the answer says "I cannot" and hedges\n');
    expect(latest.stdout).toContain('      failed unit-tests: test 2: clamp(-3, 0, 10) returned -3, expected 0\n');
    const lines = latest.stdout.split('\n');
    const sample = (index: number) => lines.findIndex((line) => line.startsWith(`  #${index} `));
    // Each reason sits under its own sample; passing samples get none.
    expect(lines[sample(0) + 1]).toContain('red flag refusal-or-hedge');
    expect(lines[sample(1) + 1]).toContain('failed unit-tests');
    expect(lines[sample(2) + 1]).toMatch(/^ {2}#3 /);
    expect(lines.filter((line) => line.includes('failed syntax'))).toEqual([]);

    const byPrefix = await zerr('runs', 'show', '20260101-11');
    expect(byPrefix).toMatchObject({ code: 0, stderr: '' });
    expect(byPrefix.stdout).toContain('run run-20260101-110000-bbbbbb: solve');
    expect(byPrefix.stdout).not.toContain('red flag');
  });

  test('an unknown or ambiguous name is one clear line with exit 3', async () => {
    const unknown = await zerr('runs', 'show', 'run-1999');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('zerr: No run matches "run-1999" in this store; `zerr runs list` shows the recorded runs.\n');
    const ambiguous = await zerr('runs', 'show', 'run-20260101');
    expect(ambiguous.code).toBe(3);
    expect(ambiguous.stderr).toContain('matches 2 runs (run-20260101-110000-bbbbbb, run-20260101-100000-aaaaaa)');
    expect(ambiguous.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
