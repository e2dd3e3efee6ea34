/**
 * The crash-safety promise of `zerr build`: a build killed with SIGKILL at 10 random moments, and resumed after each,
 * ends with the same git history (tree per commit, messages), the same report (wall-clock `timing` keys aside) and
 * the same run records as a build that was never interrupted. "Random moments" are drawn (seeded) as counts of
 * records the run store holds - samples, red flags, layer results, votes, decisions, checkpoints - so that every
 * kill lands while the build is working, at a different point each time; the test polls the store (read-only)
 * and kills the process the moment the count is reached.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const BUILD_ARGS = ['-f', join(FIXTURES, 'text-stats.requirements.md'), '--model', `replay:${join(FIXTURES, 'text-stats.replay.jsonl')}?seed=5`, '--name', 'text-stats'];
const KILLS = 10;

let work: string;
beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  work = await mkdtemp(join(tmpdir(), 'zerr-kill-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const env = (store: string) => ({ ...process.env, ZERR_STORE: store, CI: '1', SOURCE_DATE_EPOCH: '1790000000' });

function zerr(args: readonly string[], store: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, env: env(store), maxBuffer: 32 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

const TABLES = ['samples', 'red_flags', 'layer_results', 'votes', 'decisions', 'checkpoints'] as const;

/** Records in the store (0 while the file or its tables do not exist yet). */
function recordCount(store: string): number {
  if (!existsSync(store)) return 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(store, { readonly: true, fileMustExist: true });
    return TABLES.reduce((total, table) => total + (db?.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number), 0);
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

/** Starts `args`, kills it with SIGKILL once the store holds `target` records; resolves to the count at the kill, or null if it exited first. */
function runUntil(args: readonly string[], store: string, target: number): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: env(store), stdio: 'ignore' });
    let finished = false;
    const poll = setInterval(() => {
      const count = recordCount(store);
      if (count >= target && !finished) {
        finished = true;
        clearInterval(poll);
        child.kill('SIGKILL');
        child.once('exit', () => done(count));
      }
    }, 15);
    child.once('exit', (code) => {
      if (finished) return;
      finished = true;
      clearInterval(poll);
      if (code === 0) done(null);
      else fail(new Error(`zerr ${args.join(' ')} exited with ${code} before it was killed`));
    });
  });
}

/** Seeded PRNG (mulberry32), so a failing run can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function gitLines(dir: string, args: readonly string[]): Promise<string[]> {
  return new Promise((done, fail) => {
    execFile('git', args, { cwd: dir }, (error, stdout) => (error === null ? done(stdout.trim().split('\n')) : fail(error)));
  });
}

/** History as (commit, tree, message) per commit, oldest first. */
const history = (dir: string) => gitLines(dir, ['log', '--reverse', '--format=%H %T %s']);

function withoutTiming(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTiming);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'timing' && key !== 'runId').map(([key, inner]) => [key, withoutTiming(inner)]));
}

describe('zerr build killed with SIGKILL at 10 random moments', () => {
  it('resumes each time and ends with the tree, history, report and records of an uninterrupted build', async () => {
    const referenceStore = join(work, 'reference.sqlite');
    const reference = await zerr(['build', ...BUILD_ARGS, '--out', join(work, 'reference')], referenceStore);
    expect(reference.code, reference.stderr).toBe(0);
    const total = recordCount(referenceStore);
    expect(total).toBeGreaterThan(60);

    const random = mulberry32(20261121);
    const targets = Array.from({ length: KILLS }, () => 1 + Math.floor(random() * (total - 2))).sort((a, b) => a - b);
    const store = join(work, 'killed.sqlite');
    const out = join(work, 'killed');
    const killedAt: number[] = [];
    for (const target of targets) {
      // `zerr build` on a folder holding an unfinished build resumes it; the first run starts it.
      const count = await runUntil(['build', ...BUILD_ARGS, '--out', out], store, Math.max(target, (killedAt.at(-1) ?? 0) + 1));
      expect(count, `the build finished before kill ${killedAt.length + 1} (target ${target} of ${total} records)`).not.toBeNull();
      killedAt.push(count as number);
    }
    expect(killedAt).toHaveLength(KILLS);
    expect(new Set(killedAt).size).toBeGreaterThanOrEqual(8);

    const marker = JSON.parse(await readFile(join(out, '.zerr', 'build.json'), 'utf8')) as { runId: string };
    const resumed = await zerr(['resume', marker.runId, '--json'], store);
    expect(resumed.code, resumed.stderr).toBe(0);

    expect(await history(out)).toEqual(await history(join(work, 'reference')));
    expect(await gitLines(out, ['status', '--porcelain'])).toEqual(['']);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
    const expected = JSON.parse(await readFile(join(work, 'reference', 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(withoutTiming(report)).toEqual(withoutTiming(expected));
    // No record was made twice and none is missing: the same number of samples, flags, layers, votes, decisions.
    const counts = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return Object.fromEntries(TABLES.filter((table) => table !== 'checkpoints').map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()]));
      } finally {
        db.close();
      }
    };
    expect(counts(store)).toEqual(counts(referenceStore));
    expect(report['status']).toBe('completed');
  }, 600_000);
});
