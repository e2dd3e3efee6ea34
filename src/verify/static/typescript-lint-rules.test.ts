import { describe, expect, test } from 'vitest';
import { failureReason, type Finding } from './finding.js';
import { complexityMessage, staticAnalysisRules } from './typescript-lint-rules.js';

describe('typescript lint rules', () => {
  test('complexity messages name the function, the count and the limit', () => {
    expect(complexityMessage("Function 'solve' has a complexity of 18. Maximum allowed is 15.", 15)).toBe(
      'complexity 18 > maxComplexity 15 (function solve)',
    );
    expect(complexityMessage('Arrow function has a complexity of 4. Maximum allowed is 3.', 3)).toBe(
      'complexity 4 > maxComplexity 3 (arrow function)',
    );
    expect(complexityMessage('something else', 3)).toBe('something else');
  });

  test('the rule set carries maxComplexity and exempts the entry point from no-unused-vars', () => {
    const rules = staticAnalysisRules({ maxComplexity: 9, entryPoint: 'solve' });
    expect(rules['complexity']).toEqual(['error', { max: 9 }]);
    expect(rules['@typescript-eslint/no-unused-vars']).toEqual(['warn', expect.objectContaining({ varsIgnorePattern: '^(solve|_.*)$' })]);
    expect(rules['no-unreachable']).toBe('error');
    expect(rules['@typescript-eslint/no-unnecessary-condition']).toBe('warn');
    expect(staticAnalysisRules({ maxComplexity: 9, entryPoint: 'solve', typeAware: false })).not.toHaveProperty(
      '@typescript-eslint/no-unnecessary-condition',
    );
  });

  test('the failure reason is the earliest error; warnings never fail', () => {
    const findings: Finding[] = [
      { line: 9, rule: 'a', message: 'late', severity: 'error' },
      { line: 1, rule: 'b', message: 'warn', severity: 'warning' },
      { line: 4, rule: 'c', message: 'early', severity: 'error' },
    ];
    expect(failureReason(findings)).toBe('line 4: early (and 1 more)');
    expect(failureReason(findings.filter((f) => f.severity === 'warning'))).toBeUndefined();
  });
});
