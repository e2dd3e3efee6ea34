import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_FILES, resolveDataDir } from './data-dir.js';
import { importMultiPLERecord, loadMultiPLE } from './multipl-e.js';

const dataDir = resolveDataDir();
const hasData =
  existsSync(join(dataDir, DATASET_FILES['humaneval-ts'])) && existsSync(join(dataDir, DATASET_FILES['mbpp-ts']));

describe('importMultiPLERecord (hand-written record)', () => {
  it('reads signature, description and examples, skipping non-literal ones', () => {
    const { spec, hidden } = importMultiPLERecord(
      {
        name: 'Demo_1_pair',
        prompt:
          '//Make a pair.\n// >>> pair(1, "a")\n// [1, "a"]\n// >>> pair(x, "b")\n// [x, "b"]\n' +
          '// >>> pair(2, "c")\n// [\n//   2,\n//   "c"]\n// Done.\nfunction pair(n: number, s?: string, ...more: number[]): [number, string] {\n',
        tests: 'declare var require: any;\ntest();',
        stop_tokens: ['\nfunction '],
      },
      { dataset: 'humaneval-ts' },
    );
    expect(spec.id).toBe('Demo_1_pair');
    expect(spec.name).toBe('pair');
    expect(spec.signature).toEqual({
      entryPoint: 'pair',
      inputs: [
        { name: 'n', type: 'number' },
        { name: 's', type: 'string', description: 'optional' },
        { name: 'more', type: 'number[]', description: 'rest parameter' },
      ],
      output: { type: '[number, string]' },
    });
    expect(spec.testCases.map((t) => [t.inputs, t.expected])).toEqual([
      [[1, 'a'], [1, 'a']],
      [[2, 'c'], [2, 'c']],
    ]);
    expect(spec.metadata['skippedExamples']).toBe('1');
    expect(spec.description).toBe('Make a pair.\nDone.');
    expect(spec.metadata['stopTokens']).toBe('["\\nfunction "]');
    expect(hidden).toEqual({ language: 'typescript', program: 'declare var require: any;\ntest();', runner: '' });
  });

  it('rejects a record without a function', () => {
    expect(() => importMultiPLERecord({ name: 'x', prompt: '// nothing\n', tests: 't', stop_tokens: [] }, { dataset: 'mbpp-ts' })).toThrow(
      expect.objectContaining({ code: 'invalid_dataset_record' }),
    );
  });
});

describe.skipIf(!hasData)('MultiPL-E TypeScript (real data)', () => {
  it('imports all 159 humaneval-ts problems with their examples', async () => {
    const problems = await loadMultiPLE({ dataset: 'humaneval-ts' });
    expect(problems).toHaveLength(159);
    const withTests = problems.filter((p) => p.spec.testCases.length > 0).length;
    const examples = problems.reduce((n, p) => n + p.spec.testCases.length, 0);
    const skipped = problems.reduce((n, p) => n + Number(p.spec.metadata['skippedExamples']), 0);
    expect({ withTests, examples, skipped }).toEqual({ withTests: 152, examples: 432, skipped: 11 });
    for (const p of problems) {
      expect(p.spec.language).toBe('typescript');
      expect(p.spec.description).not.toContain('>>>');
      expect(p.spec.stub).toMatch(new RegExp(`function ${p.spec.name}\\(`));
    }
  });

  it('spot-checks HumanEval_0_has_close_elements', async () => {
    const problems = await loadMultiPLE({ dataset: 'humaneval-ts' });
    const first = problems.find((p) => p.spec.id === 'HumanEval_0_has_close_elements');
    expect(first?.spec.signature).toEqual({
      entryPoint: 'has_close_elements',
      inputs: [
        { name: 'numbers', type: 'number[]' },
        { name: 'threshold', type: 'number' },
      ],
      output: { type: 'boolean' },
    });
    expect(first?.spec.testCases.map((t) => [t.inputs, t.expected])).toEqual([
      [[[1, 2, 3], 0.5], false],
      [[[1, 2.8, 3, 4, 5, 2], 0.3], true],
    ]);
    expect(first?.spec.description).toBe(
      'Check if in given array of numbers, are any two numbers closer to each other than\ngiven threshold.',
    );
    expect(JSON.parse(first?.spec.metadata['stopTokens'] ?? '[]')).toEqual(['\nfunction ', '\n/*', '\n//', '\nclass']);
    expect(first?.hidden.program).toContain("require('node:assert')");
  });

  it('imports all 391 mbpp-ts problems (no docstring examples there)', async () => {
    const problems = await loadMultiPLE({ dataset: 'mbpp-ts' });
    expect(problems).toHaveLength(391);
    expect(problems.every((p) => p.spec.testCases.length === 0)).toBe(true);
    const palindrome = problems.find((p) => p.spec.id === 'mbpp_100_next_smallest_palindrome');
    expect(palindrome?.spec.signature.inputs).toEqual([{ name: 'num', type: 'number' }]);
    expect(palindrome?.spec.metadata['dataset']).toBe('mbpp-ts');
  });
});
