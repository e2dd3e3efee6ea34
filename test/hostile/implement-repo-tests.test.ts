/**
 * @module test/hostile/implement-repo-tests
 * `zerr implement` runs a repository's own tests with the candidate spliced into the file, in one sandboxed process
 * with it (`repo-tests`, decision 027). Candidate code there is hostile: these fixtures
 * (`test/fixtures/hostile/implement/`) are wrong implementations (they drop digits; the repository's test
 * `keeps digits` fails on them) that try to keep the tests from failing:
 * - i01 / i03 end the process with status 0 as soon as they load (TypeScript `process.exit(0)`, Python `os._exit(0)`):
 *   the run reports fewer tests than ran with the file as it was, so the layer fails;
 * - i02 replaces `Object.is` and `util.isDeepStrictEqual` (also in Node's ESM exports) when it loads: the test
 *   shim was loaded first and compares with its own references, so `toBe` still fails.
 * None of them gets `pass`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prepareImplement, RepoTestsLayer, type PreparedImplement } from '../../src/orchestrate/implement/index.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const hostile = (name: string): string => readFileSync(join(FIXTURES, 'hostile', 'implement', name), 'utf8');
const sandbox = new BwrapSandbox();
let work: string;

async function prepared(fixture: 'ts-repo' | 'py-repo', target: string): Promise<PreparedImplement> {
  const dir = await mkdtemp(join(work, `${fixture}-`));
  await cp(join(FIXTURES, 'implement', fixture), dir, { recursive: true });
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: dir, env });
  return prepareImplement({ target, cwd: dir });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-hostile-implement-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await sandbox.close();
});

describe('hostile: candidates against the repository tests of zerr implement', () => {
  test('i01: a TypeScript candidate that exits the test process as it loads fails repo-tests', async () => {
    const { target, spec } = await prepared('ts-repo', 'src/strings.ts#slugify');
    const result = await new RepoTestsLayer(target, sandbox).verify({ spec, candidate: { language: 'typescript', code: hostile('i01-exit-early.ts.txt') } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/repository's tests failed|fewer of the repository's tests reported/);
  });

  test('i02: a TypeScript candidate that replaces Object.is and util.isDeepStrictEqual still fails `keeps digits`', async () => {
    const { target, spec } = await prepared('ts-repo', 'src/strings.ts#slugify');
    const layer = new RepoTestsLayer(target, sandbox);
    const result = await layer.verify({ spec, candidate: { language: 'typescript', code: hostile('i02-forge-comparisons.ts.txt') } });
    expect(result.status).toBe('fail');
    expect(result.reason).toContain("expected 'top-lists' to be 'top-10-lists'");
    // The right code passes the same layer: the failure is the candidate's, not the harness's.
    const right = await layer.verify({ spec, candidate: { language: 'typescript', code: "export function slugify(title: string): string {\n  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');\n}\n" } });
    expect(right.status, right.reason).toBe('pass');
  });

  test('i03: a Python candidate that exits pytest as it is imported fails repo-tests', async () => {
    const { target, spec } = await prepared('py-repo', 'textkit/strings.py#slugify');
    const layer = new RepoTestsLayer(target, sandbox);
    const result = await layer.verify({ spec, candidate: { language: 'python', code: hostile('i03-exit-early.py.txt') } });
    expect(result.status).toBe('fail');
    const right = await layer.verify({ spec, candidate: { language: 'python', code: 'def slugify(title: str) -> str:\n    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")\n' } });
    expect(right.status, right.reason).toBe('pass');
  });
});
