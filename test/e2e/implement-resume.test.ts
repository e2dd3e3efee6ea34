/**
 * A stopped `zerr implement` run (Ctrl-C: the signal aborts) is recorded `paused` and continued with `resume`: the
 * recorded samples are read back, not sampled again, the project layers run again where a sample was not finished,
 * and the result and commit are those of an uninterrupted run. Engine level (real SQLite, bubblewrap, git), with the
 * hand-written replay script of test/fixtures/implement/.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine.js';
import { ReplayLanguageModel } from '../../src/llm/index.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/implement');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-implement-resume-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** An engine on the store at `storePath`, and the count of the model calls it makes. */
async function engineOn(storePath: string): Promise<{ engine: Engine; calls: () => number }> {
  const replay = await ReplayLanguageModel.fromJsonl(join(FIXTURES, 'slugify-ts.replay.jsonl'));
  let calls = 0;
  const model = new Proxy(replay, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'generate' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (...args: unknown[]) => {
        calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const store = await SqliteRunStore.open({ path: storePath });
  return { engine: createEngine({ model, modelName: 'replay:slugify-ts', store, sandbox: new BwrapSandbox() }), calls: () => calls };
}

it('pauses on the signal and resumes to the same decision and commit without sampling the recorded samples again', async () => {
  const repo = join(work, 'repo');
  await cp(join(FIXTURES, 'ts-repo'), repo, { recursive: true });
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'initial']]) execFileSync('git', args, { cwd: repo, env });
  const storePath = join(work, 'runs.sqlite');

  const first = await engineOn(storePath);
  const stop = new AbortController();
  first.engine.on((event) => { if (event.type === 'candidate-verified' && !stop.signal.aborted) stop.abort(new Error('interrupted (SIGINT)')); });
  const paused = await first.engine.implement({ target: 'src/strings.ts#slugify', cwd: repo, k: 2, parallelism: 1, runId: 'run-implement-resume', signal: stop.signal })
    .then(() => undefined, (error: unknown) => error);
  await first.engine.close();
  expect(paused).toMatchObject({ code: 'run_paused', runId: 'run-implement-resume' });
  expect(execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim()).toBe('main');
  expect(await readFile(join(repo, 'src', 'strings.ts'), 'utf8')).toContain("throw new Error('not implemented');");

  const firstCalls = first.calls();
  expect(firstCalls).toBeGreaterThan(0);
  const second = await engineOn(storePath);
  const resumed = await second.engine.implement({ target: 'src/strings.ts#slugify', cwd: repo, resume: 'run-implement-resume' });
  await second.engine.close();
  expect(resumed.result).toMatchObject({ outcome: 'consensus', samples: 4, votes: 2, failedByLayer: { 'repo-tests': 1, 'project-types': 1 } });
  // The samples recorded before the pause are read back, not drawn again: the two sessions made 4 calls in all.
  expect(firstCalls + second.calls()).toBe(4);
  expect(resumed.commit?.branch).toBe('zerr/implement-slugify');
  expect(await readFile(join(repo, 'src', 'strings.ts'), 'utf8')).toContain("return title.toLowerCase().replace(/[^a-z0-9]+/g, '-')");

  // Another target cannot take this run over.
  const third = await engineOn(storePath);
  await expect(third.engine.implement({ target: 'src/strings.ts#titleCase', cwd: repo, resume: 'run-implement-resume', allowDirty: true }))
    .rejects.toMatchObject({ code: expect.stringMatching(/invalid_implement_target|run_not_resumable/) as unknown });
  await third.engine.close();
}, 120_000);
