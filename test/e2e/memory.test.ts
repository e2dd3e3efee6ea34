/**
 * `zerr memory` end to end through the built CLI: a project's code and documents added by symbol and heading, searched
 * by BM25 (said plainly), filtered, replaced on a second add, forgotten; with the real llama.cpp path on the 260K
 * story model as the embedding model, the search fuses vectors and BM25 (its vectors carry no meaning: the test checks
 * the machinery, not the ranking's quality).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const MODEL = resolve(ROOT, '..', 'shared', 'models', 'stories260K.gguf');

interface CliResult { code: number; stdout: string; stderr: string }
let project: string;

function zerr(args: readonly string[]): Promise<CliResult> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
    delete env['ZERR_MEMORY'];
    delete env['ZERR_EMBEDDINGS'];
    execFile(process.execPath, [BIN, ...args], { cwd: project, env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
  project = await mkdtemp(join(tmpdir(), 'zerr-memory-e2e-'));
  await mkdir(join(project, '.git'));
  await mkdir(join(project, 'src'));
  await writeFile(join(project, 'src', 'geometry.ts'), [
    '/** The area of a circle of radius r. */',
    'export function circleArea(r: number): number {',
    '  return Math.PI * r * r;',
    '}',
    '',
    '/** Parses a hex colour such as #ff8800 into its red, green and blue channels. */',
    'export function parseHexColour(hex: string): [number, number, number] {',
    '  const n = Number.parseInt(hex.slice(1), 16);',
    '  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];',
    '}',
    '',
  ].join('\n'));
  await writeFile(join(project, 'src', 'words.py'), 'def word_count(text):\n    """The number of words of text."""\n    return len(text.split())\n');
  await writeFile(join(project, 'NOTES.md'), '# Deploying\nRun the server behind a reverse proxy.\n## Rollback\nKeep the previous release.\n');
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('zerr memory', () => {
  it('adds code by symbol and documents by heading, searches by BM25 (saying so), filters, replaces and forgets', async () => {
    const added = await zerr(['memory', 'add', 'src', 'NOTES.md', '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ files: 3, chunks: 5, added: 5, removed: 0, embeddings: null });
    expect(existsSync(join(project, '.zerr', 'memory.sqlite'))).toBe(true);

    const found = await zerr(['memory', 'search', 'red green blue channels of a colour', '-k', '2', '--json']);
    expect(found.code, found.stderr).toBe(0);
    const result = JSON.parse(found.stdout) as { mode: string; note: string; hits: { chunk: { source: string; symbol: string; type: string; language: string; startLine: number } }[] };
    expect(result.mode).toBe('bm25');
    expect(result.note).toBe('BM25 only: no embedding model configured');
    expect(result.hits[0]?.chunk).toMatchObject({ source: 'src/geometry.ts', symbol: 'parseHexColour', type: 'code', language: 'typescript', startLine: 6 });

    const text = await zerr(['memory', 'search', 'rollback release']);
    expect(text.stdout).toMatch(/^ranking: BM25 only: no embedding model configured\n1\. NOTES\.md:3-4 Deploying > Rollback \[api_doc\] \(bm25 #1\)/);
    const python = await zerr(['memory', 'search', 'count the words', '--language', 'python', '--json']);
    expect((JSON.parse(python.stdout) as typeof result).hits.map((hit) => hit.chunk.symbol)).toEqual(['word_count']);

    const again = await zerr(['memory', 'add', 'src/geometry.ts', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ chunks: 2, added: 2, removed: 2 });
    const stats = await zerr(['memory', 'stats', '--json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ chunks: 5, sources: 3, byType: { code: 3, api_doc: 2 }, embeddings: null });

    const refused = await zerr(['memory', 'forget']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('name what to forget');
    const forgot = await zerr(['memory', 'forget', '--source', 'src/', '--json']);
    expect(JSON.parse(forgot.stdout)).toEqual({ removed: 3 });
    expect((await zerr(['memory', 'forget', '--all'])).stdout).toBe('2 chunks removed\n');
  });

  it('zerr solve --memory reuses code verified for an equal spec, verified again, with no model call', async () => {
    const spec = join(ROOT, 'test', 'fixtures', 'specify', 'largest-even.yaml');
    const model = `replay:${join(ROOT, 'test', 'fixtures', 'specify', 'largest-even.coder.replay.jsonl')}`;
    const store = join(project, 'runs.sqlite');
    const first = await zerr(['solve', spec, '--model', model, '--k', '2', '--memory', '--store', store, '--out', join(project, 'out'), '--json']);
    expect(first.code, first.stderr).toBe(0);
    const solved = JSON.parse(first.stdout) as { runId: string; samples: number; code: string; reusedFrom?: unknown };
    expect(solved.samples).toBeGreaterThan(0);
    expect(solved.reusedFrom).toBeUndefined();
    const second = await zerr(['solve', spec, '--model', model, '--k', '2', '--memory', '--store', store, '--out', join(project, 'out'), '--json']);
    expect(second.code, second.stderr).toBe(0);
    const reused = JSON.parse(second.stdout) as typeof solved & { reason: string };
    expect(reused).toMatchObject({ samples: 0, code: solved.code, reusedFrom: { runId: solved.runId, taskId: 'largestEven' } });
    expect(reused.reason).toContain('passed every verification layer again; no model was called');
    // The engine's experience is the coder's own memory, apart from the project's documents.
    const remembered = JSON.parse((await zerr(['memory', 'search', 'largest even', '--type', 'task', '--namespace', 'coder', '--json'])).stdout) as { hits: { chunk: { source: string } }[] };
    expect(remembered.hits.map((hit) => hit.chunk.source)).toEqual([solved.runId]);
    const inProject = JSON.parse((await zerr(['memory', 'search', 'largest even', '--type', 'task', '--json'])).stdout) as { hits: unknown[] };
    expect(inProject.hits).toEqual([]);
  });

  it.skipIf(!existsSync(MODEL))('with llama.cpp embeddings the ranking fuses vectors and BM25; adding without the model is refused', async () => {
    const embeddings = `llama-cpp:${MODEL}`;
    const added = await zerr(['memory', 'add', 'src/geometry.ts', '--embeddings', embeddings, '--memory', join(project, 'vectors.sqlite'), '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ added: 2, embeddings: 'stories260K.gguf' });
    const stats = JSON.parse((await zerr(['memory', 'stats', '--memory', join(project, 'vectors.sqlite'), '--json'])).stdout) as { embeddings: unknown };
    expect(stats.embeddings).toEqual({ model: 'stories260K.gguf', dimensions: 64, vectors: 2 });
    const hybrid = JSON.parse((await zerr(['memory', 'search', 'area of a circle', '--embeddings', embeddings, '--memory', join(project, 'vectors.sqlite'), '--json'])).stdout) as { mode: string; hits: { ranks: { bm25?: number; vector?: number } }[] };
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.hits.every((hit) => hit.ranks.vector !== undefined)).toBe(true);
    const without = await zerr(['memory', 'add', 'NOTES.md', '--memory', join(project, 'vectors.sqlite')]);
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/embedding model stories260K\.gguf/);
  });
});
