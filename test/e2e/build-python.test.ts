/**
 * End to end: `zerr build --language python` as users run it (the built CLI in a child process, a real SQLite store,
 * real bubblewrap, pyright and git) on a hand-written replay script (test/fixtures/build/word-stats-python.replay.jsonl,
 * labelled as such in the fixtures' README), then the output's own `pytest`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandResult } from '../helpers/run-command.js';
import { systemPythonHasPytest } from '../helpers/system-pytest.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const DATA = resolve(ROOT, '..', 'shared');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const REQUIREMENTS = join(FIXTURES, 'word-stats.requirements.md');
/** Seed 5 draws the refusal and the whitespace split among split-words' first answers. */
const MODEL = `replay:${join(FIXTURES, 'word-stats-python.replay.jsonl')}?seed=5`;

let work: string;
const run = (command: string, args: readonly string[], cwd = work): Promise<CommandResult> =>
  runCommand(command, args, { cwd, env: { ZERR_DATA_DIR: DATA, ZERR_STORE: join(work, 'runs.sqlite'), CI: '1', SOURCE_DATE_EPOCH: '1700000000' } });

interface Report {
  status: string;
  tasks: { id: string; level: number; source: string | null; attempts: { outcome: string; votes: number; redFlagsByRule: Record<string, number>; layers: Record<string, { pass: number; fail: number }> }[] }[];
  integration: { passed: boolean; testsPassed: number; testsFailed: number; typeErrors: number } | null;
  commits: { label: string }[];
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-build-python-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('zerr build --language python (hand-written replay script, real sandbox, pyright and git)', () => {
  const out = (): string => join(work, 'word-stats');

  it('builds a Python package of functions and a class: DAG, consensus per task, pyright and the tests on the package as a whole, one commit per stage', async () => {
    const result = await run(process.execPath, [BIN, 'build', '-f', REQUIREMENTS, '--language', 'python', '--name', 'word-stats', '--model', MODEL, '--out', out(), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { report, status } = JSON.parse(result.stdout) as { status: string; report: Report };
    expect(status).toBe('completed');
    expect(report.tasks.map((task) => [task.id, task.level, task.source])).toEqual([
      ['average-word-length', 1, 'consensus'], ['split-words', 0, 'consensus'], ['top-word', 2, 'consensus'], ['word-counts', 1, 'consensus'],
      ['word-tally', 1, 'consensus'],
    ]);
    // The class was solved by its call sequence: the tally that counts every word once failed it and got no vote.
    expect(report.tasks.find((task) => task.id === 'word-tally')?.attempts[0]).toMatchObject({ outcome: 'consensus', votes: 3 });
    expect(report.tasks.find((task) => task.id === 'word-tally')?.attempts[0]?.layers['unit-tests']?.fail).toBe(1);
    const split = report.tasks.find((task) => task.id === 'split-words')?.attempts[0];
    expect(split?.redFlagsByRule['refusal-or-hedge']).toBe(1);
    expect(split?.layers['unit-tests']?.fail).toBe(1);
    // 11 visible tests of the four functions, the class's call sequence, and the package's own __init__.py.
    expect(report.integration).toMatchObject({ passed: true, testsPassed: 13, testsFailed: 0, typeErrors: 0 });
    expect(report.commits.map((commit) => commit.label)).toEqual(['decomposition', 'level-0', 'level-1', 'level-2', 'integration']);

    const git = async (args: readonly string[]): Promise<string> => {
      const done = await run('git', args, out());
      expect(done.code, done.stderr).toBe(0);
      return done.stdout;
    };
    expect((await git(['log', '--format=%s', '--reverse'])).trim().split('\n')).toEqual([
      'zerr: decomposition into 5 tasks', 'zerr: level 0: split-words', 'zerr: level 1: average-word-length, word-counts, word-tally',
      'zerr: level 2: top-word', 'zerr: integrate 5 modules, 13 tests pass',
    ]);
    expect((await git(['status', '--porcelain'])).trim()).toBe('');
    expect((await git(['ls-files'])).trim().split('\n')).toEqual([
      '.gitignore', 'PLAN.md', 'README.md', 'plan.json', 'pyproject.toml', 'src/word_stats/__init__.py', 'src/word_stats/average_word_length.py',
      'src/word_stats/split_words.py', 'src/word_stats/top_word.py', 'src/word_stats/word_counts.py', 'src/word_stats/word_tally.py',
      'tests/test_average_word_length.py', 'tests/test_split_words.py', 'tests/test_top_word.py', 'tests/test_word_counts.py', 'tests/test_word_tally.py',
    ]);
    const topWord = await readFile(join(out(), 'src', 'word_stats', 'top_word.py'), 'utf8');
    expect(topWord).toContain('from .word_counts import word_counts\n');
    expect(topWord).not.toContain('import *');
    expect(await readFile(join(out(), 'tests', 'test_top_word.py'), 'utf8')).toContain('_assert_raises(lambda: top_word("..."), "ValueError", "no words")');
    expect(await readFile(join(out(), 'PLAN.md'), 'utf8')).toContain('`top_word(text: str) -> Tuple[str, int]`');
    expect(await readFile(join(out(), 'tests', 'test_word_tally.py'), 'utf8')).toContain(
      'def test_WordTally_sequence_1():\n    subject = WordTally()\n    assert subject.add("the cat") == 2\n');
  }, 300_000);

  it.skipIf(!systemPythonHasPytest())('the output passes its own pytest run', async () => {
    const tests = await run('/usr/bin/python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], out());
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/\b12 passed\b/);
  }, 120_000);

  it('refuses a language it does not build, naming the choices', async () => {
    const result = await run(process.execPath, [BIN, 'build', 'anything', '--language', 'rust', '--model', MODEL, '--out', join(work, 'rust')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("argument 'rust' is invalid. Allowed choices are typescript, python");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
