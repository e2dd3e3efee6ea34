/**
 * The built CLI's tables (`runs list`, `escalations list`, `keys list`, laid out by cli-table3) on a real store file,
 * read through a pipe: a header row, one aligned line per record with its real values, no ANSI codes (not a
 * terminal; NO_COLOR); `--json` keeps its shape.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZerr, type ZerrResult } from '../fixtures/cli/run-zerr.js';
import { SqliteRunStore } from '../../src/store/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

let work: string;
let storePath: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-tables-'));
  storePath = join(work, 'runs.sqlite');
  const store = await SqliteRunStore.open({ path: storePath });
  try {
    await store.createRun({ id: 'run-20260101-100000-aaaaaa', kind: 'solve', model: 'replay:codet', config: {}, createdAt: Date.UTC(2026, 0, 1, 10) });
    await store.createRun({ id: 'run-20260102-090000-bbbbbb', kind: 'build', model: 'openai:gpt-x', config: {}, createdAt: Date.UTC(2026, 0, 2, 9) });
    const runId = 'run-20260102-090000-bbbbbb';
    await store.recordTask(runId, { taskId: 'clamp', spec: {} });
    for (const sampleIndex of [0, 1, 2]) {
      await store.recordSample(runId, {
        taskId: 'clamp', sampleIndex, model: 'openai:gpt-x', temperature: 0.7, promptVariant: 'plain', text: 't', code: null,
        inputTokens: 1, outputTokens: 1, latencyMs: 1, finishReason: 'stop', costUsd: null, createdAt: 1,
      });
    }
    await store.openEscalation(runId, {
      escalationId: 'esc-1', taskId: 'clamp', kind: 'code', reason: 'no consensus after 3 samples\nsecond line', question: 'Write clamp.',
      context: null, createdAt: 5,
    });
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function zerr(args: readonly string[]): Promise<ZerrResult> {
  return runZerr(args, { cwd: work, timeoutMs: 60_000, env: { ...process.env, ZERR_STORE: storePath, CI: '1', NO_COLOR: '1', FORCE_COLOR: '1' } });
}

/** The table's lines split into cells (two or more spaces apart), header first. */
const cells = (stdout: string): string[][] => stdout.trimEnd().split('\n').map((line) => line.trim().split(/ {2,}/));

describe('CLI tables', () => {
  it('runs list: a header and one aligned line per run, newest first; --json unchanged', async () => {
    const result = await zerr(['runs', 'list']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(ANSI);
    expect(cells(result.stdout)).toEqual([
      ['run', 'kind', 'status', 'tasks', 'samples', 'created', 'model'],
      ['run-20260102-090000-bbbbbb', 'build', 'running', '1', '3', '2026-01-02T09:00:00.000Z', 'openai:gpt-x'],
      ['run-20260101-100000-aaaaaa', 'solve', 'running', '0', '0', '2026-01-01T10:00:00.000Z', 'replay:codet'],
    ]);
    const lines = result.stdout.split('\n');
    // Columns line up: every row's "created" starts where the header's does.
    const column = lines[0]?.indexOf('created');
    expect(lines.slice(1, 3).map((line) => line.indexOf('2026-01-0'))).toEqual([column, column]);
    expect(lines.every((line) => line === line.trimEnd())).toBe(true);

    const json = await zerr(['runs', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: 'run-20260102-090000-bbbbbb', kind: 'build', status: 'running', tasks: 1, samples: 3, model: 'openai:gpt-x' }),
      expect.objectContaining({ id: 'run-20260101-100000-aaaaaa', kind: 'solve', status: 'running', tasks: 0, samples: 0, model: 'replay:codet' }),
    ]);
  }, 90_000);

  it('escalations list: the open escalation with the first line of its reason', async () => {
    const result = await zerr(['escalations', 'list']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(ANSI);
    expect(cells(result.stdout)).toEqual([
      ['run', 'escalation', 'status', 'kind', 'task', 'reason'],
      ['run-20260102-090000-bbbbbb', 'esc-1', 'open', 'code', 'clamp', 'no consensus after 3 samples'],
    ]);
  }, 90_000);

  it('keys list: id, status, created and name of each key, never the key', async () => {
    const created = await zerr(['keys', 'create', '--name', 'ci runner', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { key, id } = JSON.parse(created.stdout) as { key: string; id: string };
    const result = await zerr(['keys', 'list']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stdout).not.toContain(key);
    const [head, row, ...rest] = cells(result.stdout);
    expect(head).toEqual(['id', 'status', 'created', 'name']);
    expect(row).toEqual([id, 'active', expect.stringMatching(/^\d{4}-\d\d-\d\dT/), 'ci runner']);
    expect(rest).toEqual([]);
  }, 90_000);
});
