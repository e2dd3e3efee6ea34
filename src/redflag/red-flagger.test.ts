import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { defaultRedFlagRules } from './default-red-flag-rules.js';
import { RedFlagRuleError } from './red-flag-rule-error.js';
import type { CodeTokenizer, RedFlagRule } from './red-flag-rule.js';
import { RedFlagger } from './red-flagger.js';
import { contextFor, recordedContext, recordedProblem } from './testing/sample-context.js';
import { createTestCodeTokenizer } from './testing/test-code-tokenizer.js';

function countingTokenizer(): { tokenizer: CodeTokenizer; calls: () => number } {
  const inner = createTestCodeTokenizer();
  let calls = 0;
  return {
    tokenizer: {
      tokenize: (language, code, signal) => {
        calls += 1;
        return inner.tokenize(language, code, signal);
      },
    },
    calls: () => calls,
  };
}

describe('RedFlagger', () => {
  it('returns every hit in rule order and counts hits per rule', async () => {
    const flagger = new RedFlagger({ rules: defaultRedFlagRules({ tokenizer: createTestCodeTokenizer() }) });
    const bad = contextFor({ language: 'typescript', text: 'function other(x: number) {\n  // TODO\n  return (x;\n}\n', finishReason: 'length' });
    const hits = await flagger.check(bad);
    expect(hits.map((hit) => hit.rule)).toEqual(['over-token-cap', 'wrong-format', 'refusal-or-hedge', 'unbalanced-delimiters']);
    expect(hits[3]?.reason).toBe("'}' on line 4 does not close '(' from line 3");
    const clean = contextFor({ language: 'typescript', text: 'export function solve(x: number): number {\n  return x * x;\n}\n' });
    expect(await flagger.check(clean)).toEqual([]);
    const wrong = contextFor({ language: 'typescript', text: 'export function other(x: number): number {\n  return x * x;\n}\n' });
    expect((await flagger.check(wrong)).map((hit) => hit.rule)).toEqual(['wrong-format']);
    expect(flagger.counts()).toEqual({
      'over-token-cap': 1,
      'no-code': 0,
      'wrong-format': 2,
      'refusal-or-hedge': 1,
      'unbalanced-delimiters': 1,
      'too-short': 0,
    });
    expect([flagger.checked, flagger.discarded]).toEqual([3, 2]);
  });

  it('on real recorded samples of HumanEval/2: flags `pass`, keeps a real solution', async () => {
    const flagger = new RedFlagger({ rules: defaultRedFlagRules({ tokenizer: createTestCodeTokenizer() }) });
    const problem = recordedProblem('HumanEval/2');
    const passedIndex = problem.result.indexOf('passed');
    expect(passedIndex).toBeGreaterThanOrEqual(0);
    expect(await flagger.check(recordedContext(problem, passedIndex))).toEqual([]);
    expect((await flagger.check(recordedContext(problem, 12))).map((hit) => hit.rule)).toEqual(['too-short']);
  });

  it('tokenizes each text once per sample through the caching tokenizer', async () => {
    const { tokenizer, calls } = countingTokenizer();
    const flagger = new RedFlagger({ rules: defaultRedFlagRules({ tokenizer }) });
    await flagger.check(contextFor({ language: 'python', text: 'def solve(x):\n    return x * x\n' }));
    expect(calls()).toBe(1);
  });

  it('wraps a failing rule in RedFlagRuleError and leaves counts unchanged', async () => {
    const broken: RedFlagRule = {
      name: 'broken',
      description: 'always throws',
      check: () => {
        throw new Error('boom');
      },
    };
    const flagger = new RedFlagger({ rules: [broken] });
    await expect(flagger.check(contextFor({ language: 'python', text: 'x' }))).rejects.toMatchObject({ code: 'red_flag_rule_failed', rule: 'broken' });
    await expect(flagger.check(contextFor({ language: 'python', text: 'x' }))).rejects.toBeInstanceOf(RedFlagRuleError);
    expect(flagger.checked).toBe(0);
  });

  it('rejects duplicate rule names and honours an aborted signal', async () => {
    const rules = defaultRedFlagRules({ tokenizer: createTestCodeTokenizer() });
    expect(() => new RedFlagger({ rules: [...rules, ...rules.slice(0, 1)] })).toThrow(InvalidArgumentError);
    const flagger = new RedFlagger({ rules });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(flagger.check({ ...contextFor({ language: 'python', text: 'x' }), signal: controller.signal })).rejects.toThrow('stop');
  });
});
