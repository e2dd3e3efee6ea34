import { createRequire } from 'node:module';
import { afterAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errors/index.js';
import { AnalysisTimeoutError } from '../typescript/analysis-limit-error.js';
import { TypeScriptLintEngine } from './typescript-lint-engine.js';
import { layerLinter, TypeScriptLinter } from './typescript-linter.js';
import { staticAnalysisRules } from './typescript-lint-rules.js';

/** An `else if` chain whose `||` operands `no-dupe-else-if` compares pairwise: seconds of ESLint. */
function lintBomb(branches: number): string {
  const lines = ['function add(a: number, b: number): number {', '  if (a === b) return 0;'];
  for (let i = 1; i < branches; i++) {
    lines.push(`  else if (${Array.from({ length: 10 }, (_, j) => `a === b + ${i * 31 + j}`).join(' || ')}) return ${i};`);
  }
  return `${lines.join('\n')}\n  return a + b;\n}\n`;
}

const CODE = 'function solve(x: number): number {\n  const unused = 1;\n  if (x === x) return 1;\n  return 0;\n}\n';
const rules = staticAnalysisRules({ maxComplexity: 10, entryPoint: 'solve' });

describe('TypeScriptLinter (worker thread)', () => {
  const linter = new TypeScriptLinter();
  afterAll(() => linter.close());

  test('reports what the in-thread engine reports; ESLint loads in the worker, not in this thread', async () => {
    const inWorker = await linter.lint(CODE, { rules, typeAware: true });
    expect(inWorker.messages.map((m) => `${m.line}:${m.ruleId}`)).toEqual(['2:@typescript-eslint/no-unused-vars', '3:no-self-compare']);
    expect(inWorker.codeLines).toBe(5);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((path) => /node_modules\/(eslint|typescript-eslint|@typescript-eslint|eslint-plugin-security)\//.test(path))).toEqual([]);
    const inThread = new TypeScriptLintEngine().lint(CODE, { rules, typeAware: true });
    expect(inWorker.messages).toEqual(inThread.messages);
  });

  test('a lint past timeoutMs is stopped with AnalysisTimeoutError; the next lint runs normally', async () => {
    const started = performance.now();
    await expect(linter.lint(lintBomb(400), { rules, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'analysis_timed_out', message: 'lint timed out after 300 ms',
    });
    expect(performance.now() - started).toBeLessThan(1_300);
    await expect(linter.lint(lintBomb(400), { rules, timeoutMs: 300 })).rejects.toBeInstanceOf(AnalysisTimeoutError);
    expect((await linter.lint('const a = 1;\n', { rules: {} })).messages).toEqual([]);
  });

  test('a layer gets the linter it is given, or its own with memoryLimitMb, never both', () => {
    expect(layerLinter({ linter })).toEqual({ linter, owned: false });
    expect(layerLinter({ memoryLimitMb: 256 }).linter.memoryLimitMb).toBe(256);
    expect(() => layerLinter({ linter, memoryLimitMb: 256 })).toThrow(InvalidArgumentError);
    expect(() => new TypeScriptLinter({ memoryLimitMb: 16 })).toThrow(InvalidArgumentError);
  });
});
