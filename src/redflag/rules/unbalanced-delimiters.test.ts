import { describe, expect, it } from 'vitest';
import { contextFor, recordedContext, recordedProblem } from '../testing/sample-context.js';
import { createTestCodeTokenizer } from '../testing/test-code-tokenizer.js';
import { unbalancedDelimitersRule } from './unbalanced-delimiters.js';

const rule = unbalancedDelimitersRule({ tokenizer: createTestCodeTokenizer() });

describe('unbalanced-delimiters', () => {
  it.each([
    ['python', 'def solve(x):\n    return (x + [1, 2]\n'],
    ['python', "def solve(x):\n    return 'abc\n"],
    ['python', 'def solve(x):\n    s = """never closed\n    return x\n'],
    ['typescript', 'function solve(x: number) {\n  return [x;\n}\n'],
    ['typescript', 'function solve(x: number) {\n  return x;\n'],
    ['typescript', 'function solve(x: number) {\n  return x);\n}\n'],
    ['typescript', 'function solve(x: number) {\n  return "abc;\n}\n'],
  ] as const)('hits on %s %j', async (language, text) => {
    expect(await rule.check(contextFor({ language, text }))).toMatchObject({ rule: 'unbalanced-delimiters' });
  });

  it.each([
    ['python', 'def solve(x):\n    # a stray ( in a comment\n    return len(")]}") + x  # and ] here\n'],
    ['python', 'def solve(x):\n    return {k: [v] for k, v in {"a": (1)}.items()}\n'],
    ['typescript', 'function solve(x: number) {\n  // stray ( here\n  const s = "({[";\n  return `${x + (1)}]` .length + /[(]/.source.length;\n}\n'],
  ] as const)('does not hit on %s %j', async (language, text) => {
    expect(await rule.check(contextFor({ language, text }))).toBeUndefined();
  });

  it('flags a real recorded sample cut off inside a call (HumanEval/17 #75)', async () => {
    const problem = recordedProblem('HumanEval/17');
    expect(problem.result[75]).toBe('SyntaxError');
    const hit = await rule.check(recordedContext(problem, 75));
    expect(hit?.rule).toBe('unbalanced-delimiters');
    expect(await rule.check(recordedContext(recordedProblem('HumanEval/0'), 0))).toBeUndefined();
  });

  it('does not hit when there is no code', async () => {
    expect(await rule.check(contextFor({ language: 'python', text: 'nothing', generatedCode: null }))).toBeUndefined();
  });
});
