import { describe, expect, it } from 'vitest';
import { contextFor, recordedContext, recordedProblem } from '../testing/sample-context.js';
import { createTestCodeTokenizer } from '../testing/test-code-tokenizer.js';
import { wrongFormatRule } from './wrong-format.js';

const rule = wrongFormatRule({ tokenizer: createTestCodeTokenizer() });

describe('wrong-format', () => {
  it.each([
    ['python', 'def solve(x):\n    return x\n'],
    ['python', 'import math\n\nasync def solve(x):\n    return x\n'],
    ['typescript', 'export function solve(x: number): number {\n  return x;\n}\n'],
    ['typescript', 'function solve<T>(x: T): T { return x; }'],
    ['typescript', 'const solve = function (x: number) { return x; };'],
    ['typescript', 'export const solve = (x: number): number => x * 2;'],
    ['typescript', 'let solve = async (x: number) => x;'],
    ['typescript', 'const solve = x => x;'],
    ['typescript', 'const solve: (x: number) => number = (x) => x;'],
  ] as const)('accepts %s %j', async (language, text) => {
    expect(await rule.check(contextFor({ language, text }))).toBeUndefined();
  });

  it.each([
    ['python', '# def solve(x):\nprint(1)\n'],
    ['python', 'text = "def solve(x): return x"\n'],
    ['python', 'def solver(x):\n    return x\n'],
    ['python', 'solve = lambda x: x\n'],
    ['python', 'class A:\n    pass\n'],
    ['typescript', '// function solve(x) {}\nconsole.log(1);'],
    ['typescript', 'const s = "function solve(x) { return x; }";'],
    ['typescript', 'const solve = compute(1);'],
    ['typescript', 'const solve = 3, other = (x: number) => x;'],
    ['typescript', 'function solveIt(x: number) { return x; }'],
  ] as const)('hits on %s %j', async (language, text) => {
    expect(await rule.check(contextFor({ language, text }))).toMatchObject({ rule: 'wrong-format' });
  });

  it('accepts a real recorded continuation (the stub defines the entry point)', async () => {
    expect(await rule.check(recordedContext(recordedProblem('HumanEval/0'), 0))).toBeUndefined();
  });
});
