import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ts } from './typescript-api.js';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from './load-spec.js';
import { renderStub } from './render-stub.js';

const base = {
  id: 'demo/f',
  name: 'f',
  description: 'Sum the numbers.\n\nIgnore """quotes""" and \\ backslashes.',
  signature: {
    entryPoint: 'total',
    inputs: [
      { name: 'xs', type: 'List[int]' },
      { name: 'k', type: 'int' },
    ],
    output: { type: 'int' },
  },
};

describe('renderStub', () => {
  it('returns the spec stub verbatim when set', () => {
    const spec = parseTaskSpec({ ...base, language: 'python', stub: 'def total(xs, k):\n' });
    expect(renderStub(spec)).toBe('def total(xs, k):\n');
  });

  it('renders a Python stub with typing import and an escaped docstring', () => {
    const stub = renderStub(parseTaskSpec({ ...base, language: 'python' }));
    expect(stub).toBe(
      'from typing import *\n\n\ndef total(xs: List[int], k: int) -> int:\n' +
        '    """Sum the numbers.\n\n    Ignore \\"\\"\\"quotes\\"\\"\\" and \\\\ backslashes.\n    """\n',
    );
  });

  it('omits the typing import when no typing name is used', () => {
    const spec = parseTaskSpec({
      ...base,
      language: 'python',
      signature: { entryPoint: 'inc', inputs: [{ name: 'n', type: 'int' }], output: { type: 'int' } },
    });
    expect(renderStub(spec)).toMatch(/^def inc\(n: int\) -> int:\n {4}"""Sum/);
  });

  it.skipIf(!existsSync('/usr/bin/python3'))('renders Python that parses', () => {
    const stub = renderStub(parseTaskSpec({ ...base, language: 'python' }));
    const program = `import ast, sys\nast.parse(sys.stdin.read())\n`;
    expect(() => execFileSync('/usr/bin/python3', ['-c', program], { input: `${stub}    return 0\n` })).not.toThrow();
  });

  it('renders a TypeScript stub that parses', () => {
    const spec = parseTaskSpec({
      ...base,
      language: 'typescript',
      signature: { ...base.signature, inputs: [{ name: 'xs', type: 'number[]' }, { name: 'k', type: 'number' }], output: { type: 'number' } },
    });
    const stub = renderStub(spec);
    expect(stub).toBe(
      '// Sum the numbers.\n//\n// Ignore """quotes""" and \\ backslashes.\nfunction total(xs: number[], k: number): number {\n',
    );
    const file = ts.createSourceFile('s.ts', `${stub}  return 0;\n}\n`, ts.ScriptTarget.Latest);
    expect((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toHaveLength(0);
  });
});
