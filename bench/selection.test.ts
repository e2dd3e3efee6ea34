/**
 * @module bench/selection.test
 * The selection helpers (model-written test parsing, dual agreement) and the quick form of `selection` keep working.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBenchReport } from './lib/benchmark.js';
import { benchmark, QUICK_TASKS } from './selection.js';
import { dualAgreementChoice } from './selection/dual-agreement.js';
import { extractAsserts, modelTestCases, parseAssert } from './selection/model-tests.js';

const dataDir = process.env['ZERR_DATA_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'shared');

describe('selection helpers', () => {
  it('cuts model-written tests into asserts, at most 5 per sample, and parses literal checks', () => {
    const asserts = extractAsserts(['\n    f([1, 2], 1) == False, \'msg\'\nassert \n    f([], 1) == False\n\nprint(1)', ' f(3)\nassert not f(4)\nassert g(1) == 2']);
    expect(asserts.map((a) => a.statement)).toEqual(['assert f([1, 2], 1) == False, \'msg\'', 'assert f([], 1) == False', 'assert f(3)', 'assert not f(4)', 'assert g(1) == 2']);
    expect(parseAssert('assert f([1, 2], 1) == False, \'msg\'', 'f')).toMatchObject({ inputs: [[1, 2], 1], expected: false });
    expect(parseAssert('assert not f(4)', 'f')).toMatchObject({ inputs: [4], expected: false });
    expect(parseAssert('assert g(1) == 2', 'f')).toBeUndefined();
    expect(parseAssert('assert f(1) == x', 'f')).toBeUndefined();
    expect(modelTestCases(asserts, 'f')).toHaveLength(4);
    expect(extractAsserts(['1\nassert 2\nassert 3\nassert 4\nassert 5\nassert 6 '])).toHaveLength(5);
  });

  it('dual agreement picks the set with the largest samples x tests passed', () => {
    // {0,1,2} pass one test (score 3); {3,4} pass two (score 4); {5} passes none.
    expect(dualAgreementChoice(['100', '100', '100', '011', '011', '000'])).toEqual([3, 4]);
    expect(dualAgreementChoice(['00', '00'])).toEqual([0, 1]);
  });
});

describe('selection benchmark (quick form)', () => {
  it('scores every method within [0, 100], random = mean label, oracle >= every method, and writes its files', async () => {
    const report = await benchmark.run({ quick: true, args: [], dataDir, log: () => {} });
    const labeled = (await readFile(join(dataDir, 'recorded', 'codet-humaneval-codegen16b', 'labeled_solutions.jsonl'), 'utf8'))
      .split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { task_id: string; passed: boolean[] })
      .filter((record) => QUICK_TASKS.includes(record.task_id));
    const meanLabel = (100 * labeled.reduce((sum, r) => sum + r.passed.filter(Boolean).length / r.passed.length, 0)) / labeled.length;
    const rows = report.tables[0]?.rows ?? [];
    expect(rows.length).toBe(7);
    const pass1 = new Map(rows.map((row) => [`${String(row[0])} ${String(row[1])}`, Number(row[2])]));
    for (const value of pass1.values()) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
    expect(Number(report.figures['random choice'])).toBeCloseTo(meanLabel, 0);
    const oracle = Number(report.figures['oracle']);
    for (const value of pass1.values()) expect(oracle).toBeGreaterThanOrEqual(value);

    const outDir = await mkdtemp(join(tmpdir(), 'zerr-selection-'));
    try {
      const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: 0 });
      for (const path of [written.json, written.markdown, written.svg ?? '']) expect((await stat(path)).size).toBeGreaterThan(0);
      expect(await readFile(written.markdown, 'utf8')).toContain('CodeT dual agreement');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 300_000);
});
