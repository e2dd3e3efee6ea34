import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/index.js';
import { contextFor, recordedContext, recordedProblem } from '../testing/sample-context.js';
import { createTestCodeTokenizer } from '../testing/test-code-tokenizer.js';
import { tooShortRule } from './too-short.js';

const tokenizer = createTestCodeTokenizer();
const rule = tooShortRule({ tokenizer });
const pyStub = 'def solve(x):\n    """Return x squared."""\n';
const tsStub = 'function solve(x: number): number {\n';

describe('too-short', () => {
  it.each([
    ['python', '    pass\n', pyStub],
    ['python', '    ...\n', pyStub],
    ['python', '    # nothing to do\n', pyStub],
    ['python', '    return\n', pyStub],
    ['typescript', '}\n', tsStub],
    ['typescript', '  // your code\n}\n', tsStub],
    ['typescript', '  ;\n}', tsStub],
  ] as const)('hits on %s body %j', async (language, text, stub) => {
    expect(await rule.check(contextFor({ language, text, stub }))).toMatchObject({ rule: 'too-short' });
  });

  it.each([
    ['python', '    return x * x\n', pyStub],
    ['typescript', '  return x * x;\n}\n', tsStub],
    ['typescript', '  return x;\n}\n', tsStub],
  ] as const)('does not hit on %s body %j', async (language, text, stub) => {
    expect(await rule.check(contextFor({ language, text, stub }))).toBeUndefined();
  });

  it('flags the real recorded `pass` sample of HumanEval/2 and passes a real solution', async () => {
    const problem = recordedProblem('HumanEval/2');
    expect(problem.completions[12]).toBe('    pass\n');
    expect(await rule.check(recordedContext(problem, 12))).toMatchObject({ rule: 'too-short' });
    expect(await rule.check(recordedContext(recordedProblem('HumanEval/0'), 0))).toBeUndefined();
  });

  it('honours minTokens and validates it', async () => {
    const lenient = tooShortRule({ tokenizer, minTokens: 2 });
    expect(await lenient.check(contextFor({ language: 'python', text: '    return x\n', stub: pyStub }))).toBeUndefined();
    expect(await rule.check(contextFor({ language: 'python', text: '    return x\n', stub: pyStub }))).toBeDefined();
    expect(() => tooShortRule({ tokenizer, minTokens: 0 })).toThrow(InvalidArgumentError);
  });
});
