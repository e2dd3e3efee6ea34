/**
 * End-to-end tests of `zerr build` as users run it: the built CLI in a child process, a real SQLite store, real
 * bubblewrap, real git, the replay provider on a hand-written script (test/fixtures/build) and the real llama.cpp
 * path on the 260K-parameter story model.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const MODEL = join(DATA, 'models', 'stories260K.gguf');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const REQUIREMENTS = join(FIXTURES, 'text-stats.requirements.md');
const REPLAY = join(FIXTURES, 'text-stats.replay.jsonl');
/** Replay seed 5 draws a refusal and wrong answers early, so red-flagging and verification have work to do. */
const MODEL_REPLAY = `replay:${REPLAY}?seed=5`;

interface CliResult { code: number; stdout: string; stderr: string }

let work: string;
function run(command: string, args: readonly string[], cwd = work): Promise<CliResult> {
  return new Promise((done) => {
    execFile(command, args, {
      cwd, env: { ...process.env, ZERR_DATA_DIR: DATA, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1' },
      maxBuffer: 32 * 1024 * 1024, timeout: 300_000,
    }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}
const zerr = (args: readonly string[]): Promise<CliResult> => run(process.execPath, [BIN, ...args]);
const git = async (dir: string, args: readonly string[]): Promise<string> => {
  const result = await run('git', args, dir);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
};

interface Report {
  runId: string;
  status: string;
  reason: string;
  tasks: { id: string; source: string | null; level: number; attempts: { outcome: string; votes: number; samples: number; redFlagsByRule: Record<string, number>; layers: Record<string, { pass: number; fail: number }> }[] }[];
  decompositions: { taskId: string; outcome: string; samples: number; redFlagged: number; redFlagsByRule: Record<string, number> }[];
  escalations: { escalationId: string; taskId: string; kind: string; status: string }[];
  commits: { label: string; sha: string; message: string }[];
  integration: { passed: boolean; testsPassed: number; testsFailed: number; typeErrors: number } | null;
  remaining: { id: string; why: string }[];
  totals: { tasks: number; settled: number; bySource: Record<string, number> };
}
interface BuildJson { runId: string; status: string; reason: string; outDir: string; report: Report }

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-build-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr build (replay script, real sandbox and git)', () => {
  it('builds the project: DAG, consensus per task, integration verified, one commit per stage', async () => {
    const out = join(work, 'text-stats');
    const result = await zerr(['build', '-f', REQUIREMENTS, '--model', MODEL_REPLAY, '--out', out, '--name', 'text-stats', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { report, status } = JSON.parse(result.stdout) as BuildJson;
    expect(status).toBe('completed');
    expect(report.decompositions[0]).toMatchObject({ taskId: 'decompose:root', outcome: 'consensus' });
    expect(report.tasks.map((task) => [task.id, task.level, task.source])).toEqual([
      ['average-word-length', 1, 'consensus'], ['count-words', 1, 'consensus'], ['longest-word', 1, 'consensus'], ['split-words', 0, 'consensus'],
    ]);
    // The refusal was red-flagged and the whitespace split failed its unit tests; neither got a vote.
    const split = report.tasks.find((task) => task.id === 'split-words')?.attempts[0];
    expect(split?.redFlagsByRule['refusal-or-hedge']).toBe(1);
    expect(split?.layers['unit-tests']?.fail).toBe(1);
    expect(split).toMatchObject({ outcome: 'consensus', votes: 3, runnerUpVotes: 0 });
    expect(report.integration).toMatchObject({ passed: true, testsFailed: 0, typeErrors: 0 });
    expect(report.integration?.testsPassed).toBe(12);
    expect(report.commits.map((commit) => commit.label)).toEqual(['decomposition', 'level-0', 'level-1', 'integration']);

    const log = (await git(out, ['log', '--format=%s', '--reverse'])).trim().split('\n');
    expect(log).toEqual([
      'zerr: decomposition into 4 tasks', 'zerr: level 0: split-words',
      'zerr: level 1: average-word-length, count-words, longest-word', 'zerr: integrate 4 modules, 12 tests pass',
    ]);
    expect((await git(out, ['status', '--porcelain'])).trim()).toBe('');
    const files = (await git(out, ['ls-files'])).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['src/split-words.ts', 'src/count-words.ts', 'src/index.ts', 'test/count-words.test.ts', 'package.json', 'tsconfig.json', 'plan.json']));
    const countWords = await readFile(join(out, 'src', 'count-words.ts'), 'utf8');
    expect(countWords).toContain("from './split-words.js'");
    expect(countWords).toContain('export { countWords }');
    expect(await readFile(join(out, 'REPORT.md'), 'utf8')).toContain('| 1 | count-words | split-words | consensus | consensus |');

    // The output is a project of its own: `npm test` (tsc, then node --test) passes in it, with zerr's typescript and
    // @types/node standing in for `npm install` (no registry is needed).
    await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const ownTests = await run('npm', ['test'], out);
    expect(ownTests.code, ownTests.stderr).toBe(0);
    expect(ownTests.stdout).toMatch(/^# pass 12$/m);
    expect(ownTests.stdout).toMatch(/^# fail 0$/m);

    // A folder holding other files is never built into (its files would be committed).
    const foreign = await zerr(['build', 'anything', '--model', MODEL_REPLAY, '--out', FIXTURES]);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr).toContain('is not empty and holds no build');

    // The run is in the store like any other, and cannot be resumed again.
    const again = await zerr(['resume', report.runId]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('already complete');
  }, 300_000);

  it('escalates a task no sample can settle, takes the answer from `zerr escalations answer`, and resumes to completion', async () => {
    const lines = (await readFile(REPLAY, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { taskId: string; completions: string[] });
    const wrongOnly = lines.map((line) => line.taskId === 'longest-word' ? { ...line, completions: line.completions.filter((text) => text.includes('>=')) } : line);
    const replay = join(work, 'wrong-longest.jsonl');
    await writeFile(replay, `${wrongOnly.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const out = join(work, 'escalated');
    const first = await zerr(['build', '-f', REQUIREMENTS, '--model', `replay:${replay}`, '--out', out, '--k', '2', '--json']);
    expect(first.code, first.stderr).toBe(6);
    const paused = JSON.parse(first.stdout) as BuildJson;
    expect(paused.status).toBe('paused');
    expect(paused.reason).toContain('waiting on 1 escalation');
    expect(paused.report.remaining).toEqual([{ id: 'longest-word', why: 'escalated (esc-longest-word-1)' }]);
    // Simplify-and-retry came first: the re-decomposition had no proposals to vote on.
    expect(paused.report.decompositions.map((d) => d.taskId)).toContain('decompose:longest-word');
    // The other tasks went on meanwhile.
    expect(paused.report.totals.settled).toBe(3);

    const listed = await zerr(['escalations', 'list', '--run', paused.runId, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { escalationId: string; kind: string }[]).map((e) => [e.escalationId, e.kind])).toEqual([['esc-longest-word-1', 'code']]);

    const wrong = join(work, 'wrong.ts');
    await writeFile(wrong, "function longestWord(text: string): string {\n  return text;\n}\n");
    // A wrong answer is checked when it is given: rejected with the failing layer's reason, not stored.
    const rejected = await zerr(['escalations', 'answer', paused.runId, 'esc-longest-word-1', '--code-file', wrong]);
    expect(rejected.code, rejected.stderr).toBe(2);
    expect(rejected.stdout).toMatch(/^rejected: the answer to esc-longest-word-1 failed unit-tests: /m);
    const stillOpen = JSON.parse((await zerr(['escalations', 'list', '--run', paused.runId, '--json'])).stdout) as { escalationId: string; status: string }[];
    expect(stillOpen.map((e) => [e.escalationId, e.status])).toEqual([['esc-longest-word-1', 'open']]);

    // The right answer calls its dependency (splitWords): dependency code never counts against the task's (halved) limits.
    const right = join(work, 'right.ts');
    await writeFile(right, "function longestWord(text: string): string {\n  let best = '';\n  for (const word of splitWords(text)) if (word.length > best.length) best = word;\n  return best;\n}\n");
    const accepted = await zerr(['escalations', 'answer', paused.runId, 'esc-longest-word-1', '--code-file', right, '--by', 'tester']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^accepted: the answer passed every verification layer; esc-longest-word-1/);
    const done = await zerr(['resume', paused.runId, '--json']);
    expect(done.code, done.stderr).toBe(0);
    const completed = JSON.parse(done.stdout) as BuildJson;
    expect(completed.report.tasks.find((task) => task.id === 'longest-word')?.source).toBe('person');
    expect(completed.report.integration?.passed).toBe(true);
    expect(await readFile(join(out, 'src', 'longest-word.ts'), 'utf8')).toContain("let best = '';");
  }, 300_000);

  it('stops cleanly at --max-tokens, resumable with a larger budget, to the same tree as an unlimited build', async () => {
    const out = join(work, 'budget');
    const first = await zerr(['build', '-f', REQUIREMENTS, '--model', MODEL_REPLAY, '--out', out, '--name', 'text-stats', '--max-tokens', '3000', '--json']);
    expect(first.code, first.stderr).toBe(6);
    const paused = JSON.parse(first.stdout) as BuildJson;
    expect(paused.reason).toMatch(/^budget maxTokens reached: \d+ used of 3000$/);
    expect(paused.report.remaining.length).toBeGreaterThan(0);
    const resumed = await zerr(['resume', paused.runId, '--max-tokens', '1000000', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const tree = (dir: string) => git(dir, ['rev-parse', 'HEAD^{tree}']);
    expect(await tree(out)).toBe(await tree(join(work, 'text-stats')));
  }, 300_000);

  it('--vote adaptive is recorded with the build and kept by its resume; on this script (no contested vote) it builds the same tree', async () => {
    const out = join(work, 'adaptive');
    const first = await zerr(['build', '-f', REQUIREMENTS, '--model', MODEL_REPLAY, '--out', out, '--name', 'text-stats', '--vote', 'adaptive', '--target', '0.9', '--max-tokens', '3000', '--json']);
    expect(first.code, first.stderr).toBe(6);
    const paused = JSON.parse(first.stdout) as BuildJson;
    const resumed = await zerr(['resume', paused.runId, '--max-tokens', '1000000', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const shown = await zerr(['runs', 'show', paused.runId, '--json']);
    expect((JSON.parse(shown.stdout) as { config: Record<string, unknown> }).config).toMatchObject({ vote: 'adaptive', target: 0.9, k: 3 });
    const tree = (dir: string) => git(dir, ['rev-parse', 'HEAD^{tree}']);
    expect(await tree(out)).toBe(await tree(join(work, 'text-stats')));
  }, 300_000);
});

describe('zerr build on the real llama.cpp path (stories260K writes stories, not plans)', () => {
  it('red-flags every decomposition proposal, escalates the decomposition and pauses cleanly', async () => {
    const out = join(work, 'llama');
    const result = await zerr(['build', 'A function that adds two numbers.', '--model', `llama-cpp:${MODEL}?threads=1`, '--out', out, '--decompose-max-samples', '3', '--json']);
    expect(result.code, result.stderr).toBe(6);
    const { report, status, reason } = JSON.parse(result.stdout) as BuildJson;
    expect(status).toBe('paused');
    expect(reason).toContain('esc-decomposition-1 (the decomposition)');
    const [decomposition] = report.decompositions;
    expect(decomposition).toMatchObject({ taskId: 'decompose:root', outcome: 'no-consensus', samples: 3, redFlagged: 3 });
    expect(Object.keys(decomposition?.redFlagsByRule ?? {})).toContain('not-json');
    expect(report.escalations).toEqual([expect.objectContaining({ escalationId: 'esc-decomposition-1', kind: 'decomposition', status: 'open' })]);
    expect(report.tasks).toEqual([]);
  }, 300_000);
});
