/**
 * @module bench/mbxp-verify.test
 * The MBXP-TS reader and the quick form of `mbxp-verify` (6 known-good, 6 known-bad through the default pipeline).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBenchReport } from './lib/benchmark.js';
import { benchmark, mbxpVerifyProblems } from './mbxp-verify.js';
import { loadMbxpProblems, parseMbxpSignature, parseMbxpTests } from './verify/mbxp-dataset.js';

const dataDir = process.env['ZERR_DATA_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'shared');
const outDirs: string[] = [];

afterAll(async () => {
  for (const dir of outDirs) await rm(dir, { recursive: true, force: true });
});

describe('MBXP-TS reader', () => {
  it('reads the signature of a `const f = function (...) : R {` prompt', () => {
    const prompt = '/**\n * Doc.\n */\nconst min_cost = function (cost: Array<Array<number>>, m: number, n: number) : number  {\n';
    expect(parseMbxpSignature(prompt)).toEqual({
      entryPoint: 'min_cost',
      inputs: [{ name: 'cost', type: 'Array<Array<number>>' }, { name: 'm', type: 'number' }, { name: 'n', type: 'number' }],
      output: { type: 'number' },
    });
  });

  it('reads actual/expected pairs as test cases and counts the ones that are not literals', () => {
    const test = [
      "import * as assert from 'assert'",
      'let actual_1 = f([1, 2], "a");', 'let expected_1 = [true, null];', 'assert.deepEqual(actual_1, expected_1);',
      'let actual_2 = f([], "b");', 'let expected_2 = new Map<any, any>([[1, 2]]);', 'assert.deepEqual(actual_2, expected_2);',
      'let actual_3 = g(1);', 'let expected_3 = 1;',
    ].join('\n');
    expect(parseMbxpTests(test, 'f')).toEqual({ testCases: [{ inputs: [[1, 2], 'a'], expected: [true, null], expectThrows: false }], unread: 2 });
  });

  it('labels 968 problems: 329 known-good, 58 tsc-broken, none both', async () => {
    const problems = await loadMbxpProblems(dataDir);
    expect(problems).toHaveLength(968);
    expect(problems.filter((p) => p.knownGood)).toHaveLength(329);
    expect(problems.filter((p) => p.tscBroken)).toHaveLength(58);
    expect(problems.filter((p) => p.knownGood && p.tscBroken)).toHaveLength(0);
    expect(mbxpVerifyProblems(problems, false)).toHaveLength(910);
    const quick = mbxpVerifyProblems(problems, true);
    expect(quick.filter((p) => p.knownGood)).toHaveLength(6);
    expect(quick.filter((p) => !p.knownGood)).toHaveLength(6);
  });
});

describe('mbxp-verify', () => {
  it('quick run: every problem lands in exactly one confusion cell, report files are written', async () => {
    const started = performance.now();
    const report = await benchmark.run({ quick: true, args: [], dataDir, log: () => undefined });
    const outDir = await mkdtemp(join(tmpdir(), 'zerr-bench-'));
    outDirs.push(outDir);
    const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: performance.now() - started });
    const figures = report.figures as {
      knownGood: number; knownBad: number; goodPassedAll: number; falseRejections: number; badCaught: number; badPassedAll: number;
      confusion: { good: Record<string, number>; bad: Record<string, number> };
      perLayer: { layer: string; ran: number; median: number | null }[];
    };
    expect(figures.knownGood).toBe(6);
    expect(figures.knownBad).toBe(6);
    const sum = (row: Record<string, number>): number => Object.values(row).reduce((a, b) => a + b, 0);
    expect(sum(figures.confusion.good)).toBe(6);
    expect(sum(figures.confusion.bad)).toBe(6);
    expect(figures.goodPassedAll + figures.falseRejections).toBe(6);
    expect(figures.badCaught + figures.badPassedAll).toBe(6);
    expect(figures.confusion.good['error (threw)'] ?? 0).toBe(0);
    // Most known-good canonical solutions pass; most known-bad ones are caught.
    expect(figures.goodPassedAll).toBeGreaterThanOrEqual(3);
    expect(figures.badCaught).toBeGreaterThanOrEqual(3);
    const syntax = figures.perLayer.find((l) => l.layer === 'syntax');
    expect(syntax?.ran).toBe(12);
    expect(syntax?.median).toBeGreaterThan(0);
    const json = JSON.parse(await readFile(written.json, 'utf8')) as { benchmark: string };
    expect(json.benchmark).toBe('mbxp-verify');
    expect(await readFile(written.markdown, 'utf8')).toContain('## Confusion table: first failing layer');
    expect(await readFile(written.svg ?? '', 'utf8')).toMatch(/^<svg/);
  });
});
