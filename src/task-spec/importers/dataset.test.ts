import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_FILES, resolveDataDir } from './data-dir.js';
import { clearDatasetCache, listDatasetProblems, resolveDatasetProblem } from './dataset.js';

const dataDir = resolveDataDir();
const hasData = Object.values(DATASET_FILES).every((file) => existsSync(join(dataDir, file)));

describe('resolveDataDir', () => {
  it('prefers an explicit folder, then ZERR_DATA_DIR, then <repo>/../shared', () => {
    expect(resolveDataDir('/tmp/x')).toBe('/tmp/x');
    expect(resolveDataDir(undefined, { ZERR_DATA_DIR: '/data/z' })).toBe('/data/z');
    expect(resolveDataDir(undefined, {})).toMatch(/[/\\]shared$/);
  });
});

describe('dataset references', () => {
  it('rejects unknown datasets and refs without a dataset, listing the known ones', async () => {
    await expect(resolveDatasetProblem('foo:HumanEval/0')).rejects.toMatchObject({
      code: 'unknown_dataset',
      message: expect.stringContaining('humaneval, codet, humaneval-ts, mbpp-ts') as unknown,
    });
    await expect(resolveDatasetProblem('HumanEval/0')).rejects.toMatchObject({ code: 'unknown_dataset' });
    await expect(listDatasetProblems('nope')).rejects.toMatchObject({ code: 'unknown_dataset' });
  });

  it('says when the data folder has no such file', async () => {
    clearDatasetCache();
    await expect(resolveDatasetProblem('humaneval:0', { dataDir: '/nonexistent-zerr' })).rejects.toMatchObject({
      code: 'dataset_unavailable',
    });
  });
});

describe.skipIf(!hasData)('dataset references (real data)', () => {
  it('resolves each dataset', async () => {
    expect((await resolveDatasetProblem('humaneval:HumanEval/0')).spec.name).toBe('has_close_elements');
    expect((await resolveDatasetProblem('humaneval:163')).spec.id).toBe('HumanEval/163');
    const codet = await resolveDatasetProblem('codet:HumanEval/0');
    expect(codet.spec.testCases).toHaveLength(0);
    expect((await resolveDatasetProblem('codet:HumanEval/0', { visibleExamples: true })).spec.testCases).toHaveLength(2);
    expect((await resolveDatasetProblem('humaneval-ts:HumanEval_0_has_close_elements')).spec.language).toBe('typescript');
    expect((await resolveDatasetProblem('humaneval-ts:HumanEval_0')).spec.id).toBe('HumanEval_0_has_close_elements');
    expect((await resolveDatasetProblem('mbpp-ts:mbpp_100_next_smallest_palindrome')).spec.name).toBe(
      'next_smallest_palindrome',
    );
  });

  it('lists problems and caches the parsed file', async () => {
    const first = await listDatasetProblems('mbpp-ts');
    const second = await listDatasetProblems('mbpp-ts');
    expect(first).toHaveLength(391);
    expect(second[0]).toBe(first[0]);
    clearDatasetCache();
    expect((await listDatasetProblems('mbpp-ts'))[0]).not.toBe(first[0]);
  });

  it('names the closest problems for an unknown id', async () => {
    await expect(resolveDatasetProblem('humaneval-ts:HumanEval_0_has_close_element')).rejects.toMatchObject({
      code: 'unknown_problem',
      message: expect.stringContaining('closest: HumanEval_0_has_close_elements') as unknown,
    });
    await expect(resolveDatasetProblem('humaneval:HumanEval/999')).rejects.toMatchObject({ code: 'unknown_problem' });
  });
});
