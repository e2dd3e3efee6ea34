import { describe, expect, test } from 'vitest';
import { TaskSpecSchema } from '../task-spec/task-spec.js';
import { subtaskToSpec } from './subtask-to-spec.js';
import { baseProposal } from './testing/proposals.js';

describe('subtaskToSpec', () => {
  const calculate = baseProposal().subtasks[2];
  if (calculate === undefined) throw new Error('fixture');

  test('root child: id as is; signature, tests, limits and dependencies carried; metadata source decomposition', () => {
    const spec = subtaskToSpec(calculate, {
      idPrefix: '', language: 'typescript', limits: { maxLines: 30, maxComplexity: 6 }, dependencies: ['tokenize', 'evaluate'],
    });
    expect(spec).toEqual(TaskSpecSchema.parse(spec));
    expect(spec).toMatchObject({
      id: 'calculate', name: calculate.name, description: calculate.description, taskType: 'function', language: 'typescript',
      signature: calculate.signature, testCases: calculate.testCases, dependencies: ['tokenize', 'evaluate'],
      limits: { maxLines: 30, maxComplexity: 6, timeoutMs: 2000, maxOutputTokens: 512 }, metadata: { source: 'decomposition' },
    });
  });

  test('nested child: the parent prefix qualifies the id', () => {
    expect(subtaskToSpec(calculate, { idPrefix: 'app.core.', language: 'python' }).id).toBe('app.core.calculate');
  });

  test('invalid results and options throw invalid_argument naming the field', () => {
    expect(() => subtaskToSpec(calculate, { idPrefix: ' bad ', language: 'typescript' })).toThrow(/spec\.id/);
    expect(() => subtaskToSpec(calculate, { idPrefix: '', language: 'rust' as 'python' })).toThrow(/options\.language/);
    expect(() => subtaskToSpec(calculate, { idPrefix: '', language: 'python', limits: { maxLines: -1 } })).toThrow(/options\.limits\.maxLines/);
  });
});
