import { ts } from '../../task-spec/typescript-api.js';
import { describe, expect, test, vi } from 'vitest';
import { TypeScriptCompilerService } from './typescript-compiler-service.js';

describe('TypeScriptCompilerService', () => {
  const service = new TypeScriptCompilerService();

  test('reports syntax errors with 1-based line and column', () => {
    const diagnostics = service.checkSyntax('function f(a: number) {\n  return a +;\n}');
    expect(diagnostics[0]).toMatchObject({ line: 2, column: 13, code: 1109 });
  });

  test('checkSyntax only parses (no lib file is read); code nested too deeply for the parser is a diagnostic, not a throw', () => {
    const readFile = vi.spyOn(ts.sys, 'readFile');
    try {
      const fresh = new TypeScriptCompilerService();
      expect(fresh.checkSyntax('const x: number = "types are not checked";')).toEqual([]);
      expect(fresh.checkSyntax(`const x = ${'('.repeat(50_000)}1${')'.repeat(50_000)};`)).toEqual([
        { line: 0, column: 0, code: 0, message: expect.stringMatching(/^the code is nested too deeply to parse/) },
      ]);
      expect(readFile).not.toHaveBeenCalled();
    } finally {
      readFile.mockRestore();
    }
  });

  test('reports semantic errors under strict, with the ES2022 lib and no node types', () => {
    const result = service.checkTypes(
      'function f(a: number[]): number {\n  const m = new Map<string, number>();\n  return m.get("x") + a.at(-1)!;\n}\nrequire("fs");',
    );
    expect(result.syntactic).toEqual([]);
    const lines = result.semantic.map((d) => `${d.line}:${d.code}`);
    expect(lines).toContain('3:2532'); // 'm.get("x")' is possibly 'undefined' (strict)
    expect(lines.some((l) => l.startsWith('5:'))).toBe(true); // no @types/node: require is unknown
  });

  test('candidates are checked as standalone modules: a lib global may be shadowed, checks do not leak', () => {
    expect(service.checkTypes('function escape(x: number): number { return x; }').semantic).toEqual([]);
    expect(service.checkTypes('const x: number = 1;').semantic).toEqual([]);
    expect(service.checkTypes('const x: string = "redeclared in another candidate";').semantic).toEqual([]);
  });

  test('warm checks are fast (median logged, not asserted)', () => {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const code = `function f${i}(numbers: number[], t: number): boolean {\n  return numbers.some((a, j) => numbers.slice(j + 1).some((b) => Math.abs(a - b) < t + ${i}));\n}\n`;
      const result = service.checkTypes(code);
      expect(result.semantic).toEqual([]);
      times.push(result.durationMs);
    }
    times.sort((a, b) => a - b);
    console.info(`warm TypeScript type check: median ${times[10]?.toFixed(1)} ms over 20 candidates (min ${times[0]?.toFixed(1)}, max ${times[19]?.toFixed(1)})`);
  });
});
