/**
 * A store that cannot be written (issue 13 #2): the built CLI in a child process, hand-written replays (labelled as
 * such: not a model's output), the real sandbox. A run whose store fills up mid-run pauses cleanly (exit 8, one line
 * naming the store, what happened and `zerr resume <id>`, no stack trace), and `zerr resume <id>` on the store made
 * writable again ends with the verdict of an uninterrupted run; a read-only store is refused in one line.
 *
 * How the store is made to fail, for real:
 * - disk full: SQLite's own page cap (`PRAGMA max_page_count`) on the CLI's connection, through the documented test
 *   hook `ZERR_TEST_SQLITE_MAX_PAGE_COUNT` (read only by the CLI's store opener): SQLite raises SQLITE_FULL as on a
 *   full disk. Where this machine lets a private mount namespace mount a tmpfs (`unshare`), the same run also fills a
 *   real file system of a few hundred KiB, which is then grown, and remounted read-only.
 * - read-only: a store file with mode 0444, opened by a user who may not write it (tests run as root in CI, and root
 *   ignores file modes: there the CLI runs as `nobody`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryStore, runZerr, ZERR_BIN as BIN } from '../fixtures/cli/run-zerr.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLAMP = join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml');
const BUILD = join(ROOT, 'test', 'fixtures', 'build');
const BUILD_ARGS = ['-f', join(BUILD, 'text-stats.requirements.md'), '--model', `replay:${join(BUILD, 'text-stats.replay.jsonl')}?seed=5`, '--name', 'text-stats'];
const GOOD = 'function clamp(x: number, low: number, high: number): number {\n  return Math.min(Math.max(x, low), high);\n}\n';
const WRONG = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n';
const NOBODY = 65534;
const IS_ROOT = process.getuid?.() === 0;

let work: string;
let replay: string;
let solveArgs: string[];
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-store-unavailable-'));
  await chmod(work, 0o755); // `nobody` reaches the read-only case's folder
  // Hand-written replay (not model output): every third answer is wrong, so k = 8 takes 9 samples.
  replay = join(work, 'clamp.replay.jsonl');
  const completions = Array.from({ length: 40 }, (_, i) => (i % 3 === 2 ? WRONG : GOOD));
  await writeFile(replay, `${JSON.stringify({ taskId: 'clamp', completions, style: 'full-code' })}\n`);
  solveArgs = ['solve', CLAMP, '--model', `replay:${replay}`, '--k', '8', '--max-samples', '40', '--parallelism', '1', '--json'];
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Result { readonly code: number; readonly stdout: string; readonly stderr: string }

function zerr(args: readonly string[], env: NodeJS.ProcessEnv = {}, as?: number): Promise<Result> {
  // Another user has a config folder of their own (the test run's private one is root's, mode 0700).
  const otherUser = as === undefined ? {} : { XDG_CONFIG_HOME: join(work, `config-of-${as}`), XDG_DATA_HOME: join(work, `data-of-${as}`) };
  return runZerr(args, {
    cwd: work, timeoutMs: 300_000, ...(as === undefined ? {} : { uid: as }),
    env: { ...process.env, CI: '1', ZERR_MODEL: '', ZERR_DEBUG: '', ZERR_STORE: '', SOURCE_DATE_EPOCH: '1790000000', ...otherUser, ...env },
  });
}

const count = (store: string, sql: string): number => Object.values(queryStore<Record<string, number>>(store, sql)[0] ?? {})[0] ?? 0;

/** Creates an empty store with the CLI (migrated) and returns its size in pages. */
async function emptyStore(store: string): Promise<number> {
  const created = await zerr(['runs', 'list', '--store', store]);
  expect(created.code, created.stderr).toBe(0);
  return count(store, 'PRAGMA page_count');
}

/** The one error line, with the checks every store failure must pass: no stack trace, no "this is a bug". */
function errorLine(result: Result): string {
  expect(result.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/this is a bug|unhandled|SqliteError/i);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('zerr: '));
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0] ?? '';
}

type Decision = { task_id: string; outcome: string; class_key: string | null; code: string | null; votes: number; runner_up_votes: number; samples: number };
const decisions = (store: string) =>
  queryStore<Decision>(store, 'SELECT task_id, outcome, class_key, code, votes, runner_up_votes, samples FROM decisions ORDER BY task_id');

describe('zerr on a store that cannot be written', () => {
  it('solve: the store fills up mid-run (SQLITE_FULL): exit 8, one line, paused; resume gives the uninterrupted verdict', async () => {
    const reference = join(work, 'solve-reference.sqlite');
    const uninterrupted = await zerr([...solveArgs, '--store', reference, '--out', join(work, 'out-reference')]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const referenceSamples = count(reference, 'SELECT count(*) FROM samples');

    const store = join(work, 'solve-full.sqlite');
    const pages = await emptyStore(store);
    // Two pages of room: the run is created and samples are recorded, until a write needs a third page.
    const full = await zerr([...solveArgs, '--store', store, '--out', join(work, 'out-full')], { ZERR_TEST_SQLITE_MAX_PAGE_COUNT: String(pages + 2) });
    expect(full.code, full.stderr).toBe(8);
    const line = errorLine(full);
    const runId = /run (\S+) is paused/.exec(line)?.[1] ?? '';
    expect(line).toBe(`zerr: store ${store}: disk full (SQLITE_FULL); run ${runId} is paused: free space on its disk, then run: zerr resume ${runId}`);
    // Stopped mid-run, as a machinery failure: no decision, no verdict; paused; the claim given back.
    const sampled = count(store, 'SELECT count(*) FROM samples');
    expect(sampled).toBeGreaterThan(0);
    expect(sampled).toBeLessThan(referenceSamples);
    expect(count(store, 'SELECT count(*) FROM decisions')).toBe(0);
    expect(queryStore<{ status: string }>(store, 'SELECT status FROM runs')).toEqual([{ status: 'paused' }]);
    expect(count(store, 'SELECT count(*) FROM run_owners')).toBe(0);

    // Writable again (no cap): resume finishes the run with the verdict of the uninterrupted one.
    const resumed = await zerr(['resume', runId, '--store', store]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/task clamp: consensus/);
    expect(queryStore<{ status: string }>(store, 'SELECT status FROM runs')).toEqual([{ status: 'completed' }]);
    expect(decisions(store)).toEqual(decisions(reference));
    expect(count(store, 'SELECT count(*) FROM samples')).toBe(referenceSamples);
    expect(count(store, 'SELECT max(sample_index) + 1 FROM samples')).toBe(referenceSamples); // none drawn twice
  }, 300_000);

  it('build: the store fills up mid-build: exit 8, one line, paused; resume ends with the uninterrupted history', async () => {
    const reference = join(work, 'build-reference.sqlite');
    const uninterrupted = await zerr(['build', ...BUILD_ARGS, '--out', join(work, 'build-reference'), '--store', reference]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    const store = join(work, 'build-full.sqlite');
    const out = join(work, 'build-full');
    const pages = await emptyStore(store);
    const full = await zerr(['build', ...BUILD_ARGS, '--out', out, '--store', store], { ZERR_TEST_SQLITE_MAX_PAGE_COUNT: String(pages + 8) });
    expect(full.code, full.stderr).toBe(8);
    const line = errorLine(full);
    const runId = /run (\S+) is paused/.exec(line)?.[1] ?? '';
    expect(line).toBe(`zerr: store ${store}: disk full (SQLITE_FULL); run ${runId} is paused: free space on its disk, then run: zerr resume ${runId}`);
    expect(queryStore<{ status: string }>(store, 'SELECT status FROM runs')).toEqual([{ status: 'paused' }]);
    expect(count(store, 'SELECT count(*) FROM run_owners')).toBe(0);
    expect(count(store, 'SELECT count(*) FROM decisions')).toBeLessThan(count(reference, 'SELECT count(*) FROM decisions'));

    const resumed = await zerr(['resume', runId, '--store', store]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const history = (dir: string) => execFileSync('git', ['log', '--reverse', '--format=%T %s'], { cwd: dir, encoding: 'utf8' });
    expect(history(out)).toBe(history(join(work, 'build-reference')));
    type Report = { status: string; tasks: unknown; totals: Record<string, unknown> };
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const expected = JSON.parse(await readFile(join(work, 'build-reference', 'report.json'), 'utf8')) as Report;
    expect(report.status).toBe('completed');
    const { timing: _timing, ...totals } = report.totals;
    const { timing: _expectedTiming, ...expectedTotals } = expected.totals;
    expect(totals).toEqual(expectedTotals);
    expect(count(store, 'SELECT count(*) FROM samples')).toBe(count(reference, 'SELECT count(*) FROM samples'));
  }, 420_000);

  it.skipIf(IS_ROOT && !canDropTo(NOBODY))('a read-only store file: runs list reads it; solve exits 8 naming it read-only and records nothing', async () => {
    const folder = join(work, 'read-only');
    await mkdir(folder);
    await chmod(folder, 0o777); // SQLite may put its -wal and -shm files beside the store
    const store = join(folder, 'runs.sqlite');
    await emptyStore(store);
    await chmod(store, 0o444);
    const as = IS_ROOT ? NOBODY : undefined;
    const env = { HOME: folder };

    const listed = await zerr(['runs', 'list', '--store', store], env, as);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/no runs recorded yet/);

    const solved = await zerr([...solveArgs, '--store', store, '--out', join(folder, 'out')], env, as);
    expect(solved.code, solved.stderr).toBe(8);
    expect(errorLine(solved)).toBe(`zerr: store ${store}: read-only (SQLITE_READONLY) in createRun; make the store writable and try again`);
    expect(count(store, 'SELECT count(*) FROM runs')).toBe(0);
  }, 120_000);

  it.skipIf(!canMountTmpfs())('a real file system: a small tmpfs fills mid-run, is grown and resumed; remounted read-only, it is refused', async () => {
    // A private mount namespace: the tmpfs exists only for this shell and its children.
    const mount = join(work, 'tmpfs');
    await mkdir(mount);
    const store = join(mount, 'runs.sqlite');
    const result = (name: string) => join(work, `tmpfs-${name}`);
    const step = (name: string, args: string) =>
      `"${process.execPath}" "${BIN}" ${args} >"${result(name)}.out" 2>"${result(name)}.err"; echo $? >"${result(name)}.code"`;
    // Room for the empty store, SQLite's shared-memory file and 128 KiB of write-ahead log: a few samples' worth.
    const seed = join(work, 'tmpfs-seed.sqlite');
    await emptyStore(seed);
    const bytes = (await stat(seed)).size + 32 * 1024 + 128 * 1024;
    const script = [
      'set -e',
      `mount -t tmpfs -o size=${Math.ceil(bytes / 4096) * 4096} zerr-test "${mount}"`,
      `cp "${seed}" "${store}"`,
      'set +e',
      step('full', `${solveArgs.join(' ')} --store "${store}" --out "${join(work, 'tmpfs-out')}"`),
      `mount -o remount,size=8m "${mount}"`,
      `RUN=$(sed -n 's/.*zerr resume \\(.*\\)$/\\1/p' "${result('full')}.err")`,
      step('resumed', `resume "$RUN" --store "${store}"`),
      `mount -o remount,ro "${mount}"`,
      step('read-only-list', `runs list --store "${store}"`),
      step('read-only-solve', `${solveArgs.join(' ')} --store "${store}" --out "${join(work, 'tmpfs-out')}"`),
      `cp "${store}" "${result('store.sqlite')}"`,
    ].join('\n');
    execFileSync('unshare', [...unshareArgs(), 'sh', '-c', script], { env: { ...process.env, CI: '1', ZERR_MODEL: '', ZERR_STORE: '' }, timeout: 300_000 });
    const read = async (name: string): Promise<Result> => ({
      code: Number((await readFile(`${result(name)}.code`, 'utf8')).trim()),
      stdout: await readFile(`${result(name)}.out`, 'utf8'),
      stderr: await readFile(`${result(name)}.err`, 'utf8'),
    });

    const full = await read('full');
    expect(full.code, full.stderr).toBe(8);
    const runId = /run (\S+) is paused/.exec(errorLine(full))?.[1] ?? '';
    expect(errorLine(full)).toMatch(new RegExp(`^zerr: store ${store}: disk full \\(SQLITE_FULL\\); run ${runId} is paused( \\(its status could not be recorded\\))?: free space on its disk, then run: zerr resume ${runId}$`));
    const resumed = await read('resumed');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/task clamp: consensus/);
    expect(decisions(result('store.sqlite')).map(({ outcome, votes, samples }) => ({ outcome, votes, samples }))).toEqual([{ outcome: 'consensus', votes: 8, samples: 9 }]);

    for (const name of ['read-only-list', 'read-only-solve']) {
      const refused = await read(name);
      expect(refused.code, refused.stderr).toBe(8);
      expect(errorLine(refused)).toBe(`zerr: store ${store}: read-only (SQLITE_CANTOPEN: the file is on a read-only file system) in open; make the store writable and try again`);
    }
  }, 300_000);
});

/** Whether this (root) process may start a child as `uid`. */
function canDropTo(uid: number): boolean {
  try {
    execFileSync(process.execPath, ['-e', ''], { uid, gid: uid, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unshareArgs(): string[] {
  return IS_ROOT ? ['--mount', '--propagation', 'private'] : ['--map-root-user', '--mount', '--propagation', 'private'];
}

/** Whether a private mount namespace may mount a tmpfs here (root with CAP_SYS_ADMIN, or user namespaces allowed). */
function canMountTmpfs(): boolean {
  try {
    execFileSync('unshare', [...unshareArgs(), 'sh', '-c', `mount -t tmpfs -o size=64k zerr-probe "${tmpdir()}"`], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
