/**
 * @module bench/selection/zerr-figures.test
 * Rows drawn from stored figures read exactly as the run that measured them printed them, and `--include` refuses
 * files that are not full selection runs over the same problems.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { includedFiles, parseGrid, saveProgress } from '../selection.js';
import { configKey, parseConfigKey, readIncludedRun, sortedEntries, zerrFigures, zerrRows, type ZerrFigures } from './zerr-figures.js';

const committed = resolve(import.meta.dirname, '..', 'results', 'selection.json');

interface ResultsFile {
  config: { problems: number };
  figures: { zerr: Record<string, ZerrFigures> };
  tables: { title: string; rows: (string | number)[][] }[];
}

describe('zerr figures of the selection benchmark', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'zerr-figures-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('redraws the committed full run\'s three tables from its stored figures, row for row', async () => {
    const results = JSON.parse(await readFile(committed, 'utf8')) as ResultsFile;
    const entries = sortedEntries(results.figures.zerr);
    expect(entries.length).toBeGreaterThan(0);
    const drawn = entries.map(([key, figures]) => zerrRows(parseConfigKey(key), figures));
    const [methods, samples, flags] = results.tables;
    // The first three method rows are the baselines; the zerr rows follow in the committed order.
    expect(methods?.rows.slice(3)).toEqual(drawn.map((rows) => rows.method));
    expect(samples?.rows).toEqual(drawn.map((rows) => rows.samples));
    expect(flags?.rows).toEqual(drawn.map((rows) => rows.flags));
  });

  it('summarises per-problem results and refuses red-flag counts that do not add up', () => {
    const figures = zerrFigures([
      { taskId: 'p1', outcome: 'consensus', samples: 4, passed: true, redFlagsByRule: { 'too-short': 1 }, redFlagged: 1 },
      { taskId: 'p2', outcome: 'best-partial', samples: 10, passed: false, redFlagsByRule: { 'too-short': 2, 'no-code': 1 }, redFlagged: 3 },
    ], 12.4);
    expect(figures).toMatchObject({ pass1: 50, consensusShare: 50, meanSamples: 7, redFlagsByRule: { 'too-short': 3, 'no-code': 1 } });
    expect(zerrRows({ setting: 'b', k: 3, modelTests: true }, figures)).toEqual({
      method: ['zerr k=3 with model tests', 'b (docstring examples visible)', '50.0', '', 2],
      samples: ['b (docstring examples visible)', 'with', 3, '50.0', '7.0', 7, 10, '50.0%', '50.0%', 0, '12'],
      flags: ['b (docstring examples visible)', 'with', 3, 14, 4, 'too-short 3, no-code 1'],
    });
    expect(() => zerrFigures([{ taskId: 'p', outcome: 'consensus', samples: 2, passed: true, redFlagsByRule: {}, redFlagged: 1 }], 1))
      .toThrow(/1 red-flagged samples but 0 counted by rule/);
  });

  it('orders configurations (a) before (b), without model tests before with, larger k first; keys round-trip', () => {
    const figures = zerrFigures([], 0);
    const keys = ['b:k3:with', 'a:k2:with', 'a:k3:without', 'b:k3:without', 'a:k5:with', 'a:k5:without'];
    expect(sortedEntries(Object.fromEntries(keys.map((key) => [key, figures]))).map(([key]) => key))
      .toEqual(['a:k5:without', 'a:k3:without', 'a:k5:with', 'a:k2:with', 'b:k3:without', 'b:k3:with']);
    for (const key of keys) expect(configKey(parseConfigKey(key))).toBe(key);
    expect(() => parseConfigKey('c:k3:with')).toThrow(/bad configuration key/);
  });

  it('parses --grid none and repeated --include, and rejects a dangling --include', () => {
    expect(parseGrid('none')).toEqual([]);
    expect(parseGrid('a:5+tests,b:3')).toEqual([{ setting: 'a', k: 5, modelTests: true }, { setting: 'b', k: 3, modelTests: false }]);
    expect(includedFiles(['--grid', 'none', '--include', 'x.json', '--include', 'y.json'])).toEqual(['x.json', 'y.json']);
    expect(() => includedFiles(['--include'])).toThrow(/expected a selection.json/);
    expect(() => includedFiles(['--include', '--grid'])).toThrow(/expected a selection.json/);
  });

  it('--save-each writes the figures so far in the shape --include reads', async () => {
    const figures = zerrFigures([{ taskId: 'p1', outcome: 'consensus', samples: 3, passed: true, redFlagsByRule: {}, redFlagged: 0 }], 2);
    const file = join(dir, 'partial.json');
    await saveProgress(file, { quick: false, args: ['--grid', 'a:5', '--save-each', file], dataDir: '', log: () => {} }, 1, { 'a:k5:without': figures });
    const run = await readIncludedRun(file, 1);
    expect(run.zerr).toEqual({ 'a:k5:without': figures });
    expect(run.command).toBe(`npm run bench -- selection --grid a:5 --save-each ${file}`);
  });

  it('reads an earlier full run and refuses quick runs, other problem sets and other benchmarks', async () => {
    const results = JSON.parse(await readFile(committed, 'utf8')) as ResultsFile & Record<string, unknown>;
    const run = await readIncludedRun(committed, results.config.problems);
    expect(Object.keys(run.zerr).sort()).toEqual(Object.keys(results.figures.zerr).sort());
    await expect(readIncludedRun(committed, results.config.problems - 1)).rejects.toThrow(/scored 164 problems, this run 163/);

    const quick = join(dir, 'quick.json');
    await writeFile(quick, JSON.stringify({ ...results, quick: true }));
    await expect(readIncludedRun(quick, results.config.problems)).rejects.toThrow(/not the results of a full selection run/);
    const other = join(dir, 'hanoi.json');
    await writeFile(other, JSON.stringify({ ...results, benchmark: 'hanoi' }));
    await expect(readIncludedRun(other, results.config.problems)).rejects.toThrow(/not the results of a full selection run/);
    const garbled = join(dir, 'garbled.json');
    await writeFile(garbled, '{"benchmark": "selection",');
    await expect(readIncludedRun(garbled, results.config.problems)).rejects.toThrow(/garbled.json: not the results/);
  });
});
