/**
 * @module test/hostile/type-suppression
 * Candidates that turn the TypeScript checker off with a comment (`@ts-nocheck`, `@ts-ignore`, `@ts-expect-error`):
 * the checker honours such comments in the candidate's file, so each fixture of `test/fixtures/hostile/types/` hides a
 * real type error from the checker (asserted below: the attack works on the bare checker) and must still fail the
 * `types` layer, which refuses the comment itself (`verify/typescript/suppression-comments.ts`). Text that only looks
 * like a directive (in a string, a template or a regular expression) is not a comment and passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskSpecSchema } from '../../src/task-spec/task-spec.js';
import { PythonTypesLayer } from '../../src/verify/layers/python-types.js';
import { TypesLayer } from '../../src/verify/layers/types.js';
import { findPythonSuppressionComment } from '../../src/verify/python/type-suppression-comments.js';
import { runPyright } from '../../src/verify/static/run-pyright.js';
import { findSuppressionComment } from '../../src/verify/typescript/suppression-comments.js';
import { TypeScriptTypeChecker } from '../../src/verify/typescript/typescript-type-checker.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hostile/types');
const checker = new TypeScriptTypeChecker();
const layer = new TypesLayer({ checker });
afterAll(() => checker.close());

const spec = TaskSpecSchema.parse({
  id: 'clamp', name: 'clamp', description: 'Clamp.', language: 'typescript',
  signature: { entryPoint: 'clamp', inputs: [{ name: 'x', type: 'number' }, { name: 'low', type: 'number' }, { name: 'high', type: 'number' }], output: { type: 'number' } },
  testCases: [{ inputs: [5, 0, 10], expected: 5 }],
});
const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.ts')).sort();
const pythonFiles = readdirSync(FIXTURES).filter((name) => name.endsWith('.py')).sort();
const pythonSpec = TaskSpecSchema.parse({
  ...spec, language: 'python',
  signature: { entryPoint: 'clamp', inputs: [{ name: 'x', type: 'int' }, { name: 'low', type: 'int' }, { name: 'high', type: 'int' }], output: { type: 'int' } },
});

describe('type-check suppression comments', () => {
  it('the corpus holds the three directives', () => {
    expect(files.map((file) => findSuppressionComment(readFileSync(join(FIXTURES, file), 'utf8'))?.directive)).toEqual(['@ts-nocheck', '@ts-ignore', '@ts-expect-error']);
  });

  it.each(files)('%s hides its type error from the bare checker, and fails the types layer', async (file) => {
    const code = readFileSync(join(FIXTURES, file), 'utf8');
    const withCheck = `${code}\n;const __zerr_signature_check: (x: number, low: number, high: number) => number = clamp;\n`;
    expect((await checker.checkTypes(withCheck)).semantic).toEqual([]); // the attack works on the checker alone
    const result = await layer.verify({ spec, candidate: { language: 'typescript', code } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line \d+: the candidate turns type checking off with @ts-(nocheck|ignore|expect-error); comments that suppress type errors/);
  }, 60_000);

  it('text that only looks like a directive is not a comment: it passes', async () => {
    const code = [
      'export function clamp(x: number, low: number, high: number): number {',
      '  const note = "// @ts-ignore" + `/* @ts-nocheck ${x} */`;',
      '  const pattern = /\\/\\/ @ts-expect-error/;',
      '  return note.length > 0 && pattern.source.length > 0 ? Math.min(Math.max(x, low), high) : x;',
      '}',
    ].join('\n');
    expect(findSuppressionComment(code)).toBeUndefined();
    expect((await layer.verify({ spec, candidate: { language: 'typescript', code } })).status).toBe('pass');
  }, 60_000);

  it('Python: the corpus holds "type: ignore" and a file-level pyright rule switch', () => {
    expect(pythonFiles.map((file) => findPythonSuppressionComment(readFileSync(join(FIXTURES, file), 'utf8')))).toEqual([
      { directive: 'type: ignore', line: 3 }, { directive: 'pyright:', line: 1 },
    ]);
  });

  it.each(pythonFiles)('Python: %s fails the types layer before pyright runs', async (file) => {
    const code = readFileSync(join(FIXTURES, file), 'utf8');
    const result = await new PythonTypesLayer().verify({ spec: pythonSpec, candidate: { language: 'python', code } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line \d+: the candidate turns type checking off with "# (type: ignore|pyright:)"; comments that suppress or reconfigure pyright/);
  });

  it('Python: the file-level rule switch works on pyright alone (the attack is real); without the comment pyright reports the error', async () => {
    const code = readFileSync(join(FIXTURES, 'ty05-pyright-rule-off.py'), 'utf8');
    const hidden = await runPyright({ code });
    expect(hidden).toMatchObject({ status: 'checked', diagnostics: [] });
    const plain = await runPyright({ code: code.replace(/^# pyright:.*\n/, '') });
    expect(JSON.stringify(plain)).toContain('reportReturnType');
  }, 60_000);

  it('Python: a "#" inside strings is not a comment', () => {
    const code = [
      'def clamp(x: int, low: int, high: int) -> int:',
      '    a = "# type: ignore"',
      "    b = '''",
      '    # pyright: basic',
      "    ''' + r\"\\\" # pyright: ignore\"",
      '    return min(max(x, low), high)  # an ordinary comment',
    ].join('\n');
    expect(findPythonSuppressionComment(code)).toBeUndefined();
    expect(findPythonSuppressionComment(`${code}\n# pyright: strict`)).toEqual({ directive: 'pyright:', line: 7 });
  });
});
