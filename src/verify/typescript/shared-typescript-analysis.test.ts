import { afterAll, describe, expect, test } from 'vitest';
import { TypeScriptLinter } from '../static/typescript-linter.js';
import { AnalysisTimeoutError } from './analysis-limit-error.js';
import { SharedTypeScriptAnalysis } from './shared-typescript-analysis.js';
import { TypeScriptCompilerService } from './typescript-compiler-service.js';
import { typeBomb } from '../../../test/fixtures/typescript/type-bomb.js';

const BAD = 'function f(a: number[]): number {\n  const m = new Map<string, number>();\n  return m.get("x") + a.at(-1)!;\n}\n';
const LINTED = 'export function f(x: number): number {\n  return x;\n  x += 1;\n}\n';
const TYPE_AWARE = 'export function f(x: number): number {\n  return x ?? 0;\n}\n';
const RULES = { 'no-unreachable': 'error', '@typescript-eslint/no-unnecessary-condition': 'error' } as const;

describe('SharedTypeScriptAnalysis (one worker for type checks and lints)', () => {
  const analysis = new SharedTypeScriptAnalysis();
  afterAll(() => analysis.close());

  test('type checks as the in-thread service does and lints as a linter of its own does, type-aware rules included', async () => {
    const types = await analysis.typeChecker.checkTypes(BAD);
    expect(types.semantic).toEqual(new TypeScriptCompilerService().checkTypes(BAD).semantic);
    const own = new TypeScriptLinter();
    try {
      for (const code of [LINTED, TYPE_AWARE]) {
        const shared = await analysis.linter.lint(code, { rules: RULES, typeAware: true });
        const alone = await own.lint(code, { rules: RULES, typeAware: true });
        expect(shared).toEqual({ ...alone, durationMs: shared.durationMs });
      }
    } finally {
      await own.close();
    }
    const lint = await analysis.linter.lint(TYPE_AWARE, { rules: RULES, typeAware: true });
    expect(JSON.stringify(lint)).toContain('no-unnecessary-condition'); // needs the program: type information reached the rule
  });

  test('a type check past its limit fails as a type check; the next lint and type check start a new worker and pass', async () => {
    const bomb = analysis.typeChecker.checkTypes(typeBomb(22), { timeoutMs: 500 });
    await expect(bomb).rejects.toThrow(AnalysisTimeoutError);
    await expect(bomb).rejects.toMatchObject({ message: 'type check timed out after 500 ms' });
    const lint = await analysis.linter.lint(LINTED, { rules: { 'no-unreachable': 'error' } });
    expect(JSON.stringify(lint)).toContain('no-unreachable');
    expect((await analysis.typeChecker.checkTypes('const ok: number = 1;\n')).semantic).toEqual([]);
  }, 120_000);
});
