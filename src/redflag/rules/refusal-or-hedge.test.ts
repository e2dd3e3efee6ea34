import { describe, expect, it } from 'vitest';
import { contextFor, recordedContext, recordedProblem } from '../testing/sample-context.js';
import { createTestCodeTokenizer } from '../testing/test-code-tokenizer.js';
import { refusalOrHedgeRule } from './refusal-or-hedge.js';

const tokenizer = createTestCodeTokenizer();
const rule = refusalOrHedgeRule({ tokenizer });

const chat = (language: 'python' | 'typescript', before: string, code: string, after = ''): ReturnType<typeof contextFor> =>
  contextFor({ language, text: `${before}\n\`\`\`${language}\n${code}\`\`\`\n${after}`, code, generatedCode: code });

describe('refusal-or-hedge', () => {
  it('does not hit on phrases inside string literals or identifiers', async () => {
    const py = 'def solve(x):\n    if x < 0:\n        raise ValueError("not possible to take the root")\n    not_possible_to = x\n    return x\n';
    const ts = 'function solve(x: number): number {\n  if (x < 0) throw new Error("I cannot");\n  const todoList = `TODO: ${x}`;\n  return x;\n}\n';
    expect(await rule.check(contextFor({ language: 'python', text: py }))).toBeUndefined();
    expect(await rule.check(contextFor({ language: 'typescript', text: ts }))).toBeUndefined();
    expect(await rule.check(chat('python', 'Here is the implementation:', py, 'It runs in O(1).'))).toBeUndefined();
    // The same phrase in a comment is a hit: the string literal above was skipped, not missed.
    const commented = py.replace('raise ValueError("not possible to take the root")', 'raise ValueError()  # not possible to take the root');
    expect(await rule.check(contextFor({ language: 'python', text: commented }))).toMatchObject({ reason: 'a comment on line 3 says "not possible to"' });
  });

  it.each([
    ['python', "def solve(x):\n    # I'm not sure this handles negatives\n    return abs(x)\n"],
    ['python', 'def solve(x):\n    # TODO: handle the empty case\n    return x\n'],
    ['python', 'def solve(x):\n    return x  # this may not work for floats\n'],
    ['typescript', 'function solve(x: number): number {\n  // your code here\n  return 0;\n}\n'],
    ['typescript', 'function solve(x: number): number {\n  /* FIXME: overflow */\n  return x;\n}\n'],
    ['typescript', 'function solve(x: number): number {\n  // I can\u2019t help with negative numbers\n  return x;\n}\n'],
  ] as const)('hits on a hedging comment in %s %j', async (language, text) => {
    expect(await rule.check(contextFor({ language, text }))).toMatchObject({ rule: 'refusal-or-hedge' });
  });

  it('hits on hedging prose outside the fenced code of a chat answer', async () => {
    const code = 'def solve(x):\n    return x\n';
    expect(await rule.check(chat('python', "I apologize, but I'm not sure what is meant.", code))).toMatchObject({ rule: 'refusal-or-hedge' });
    expect(await rule.check(chat('python', 'Here you go:', code, 'As an AI, I could not test it.'))).toMatchObject({ rule: 'refusal-or-hedge' });
    expect(await rule.check(contextFor({ language: 'typescript', text: "I can't help with that.", generatedCode: null }))).toMatchObject({
      rule: 'refusal-or-hedge',
    });
  });

  it('matches on word boundaries and is configurable', async () => {
    const text = 'def solve(x):\n    # a todo list item: stored in self.todos\n    return x\n';
    expect(await rule.check(contextFor({ language: 'python', text }))).toBeUndefined();
    const custom = refusalOrHedgeRule({ tokenizer, phrases: ['todo list'] });
    expect(await custom.check(contextFor({ language: 'python', text }))).toMatchObject({ rule: 'refusal-or-hedge' });
    expect(await custom.check(contextFor({ language: 'python', text: 'def solve(x):\n    # TODO\n    return x\n' }))).toBeUndefined();
  });

  it('does not hit on a real recorded solution, and ignores the stub docstring', async () => {
    const problem = recordedProblem('HumanEval/0');
    expect(await rule.check(recordedContext(problem, 0))).toBeUndefined();
    const stub = 'def solve(x):\n    # TODO: the engine never writes this, but it is stub, not generated\n';
    expect(await rule.check(contextFor({ language: 'python', text: '    return x * 2\n', stub }))).toBeUndefined();
  });
});
