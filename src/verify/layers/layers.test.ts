import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../sandbox/index.js';
import { TaskSpecSchema } from '../../task-spec/task-spec.js';
import { TypeScriptCompilerService } from '../typescript/typescript-compiler-service.js';
import type { VerificationLayer } from '../verification-layer.js';
import { SyntaxLayer } from './syntax.js';
import { TypesLayer } from './types.js';
import { UnitTestsLayer } from './unit-tests.js';
import {
  hasCloseElementsSpec,
  PY_CORRECT,
  PY_SYNTAX_ERROR,
  TS_BAD_SIGNATURE,
  TS_BAD_TYPES,
  TS_CORRECT,
  TS_WRONG,
} from '../../../test/fixtures/sandbox/specs.js';

const sandbox = new BwrapSandbox();
const typescript = new TypeScriptCompilerService();
const syntax = new SyntaxLayer({ typescript, sandbox });
const types = new TypesLayer();
const unitTests = new UnitTestsLayer({ runner: new SandboxCandidateRunner({ sandbox }) });
afterAll(async () => {
  await types.close();
  await sandbox.close();
});

const tsSpec = hasCloseElementsSpec('typescript');
const pySpec = hasCloseElementsSpec('python');
const verifyTs = (layer: VerificationLayer, code: string) =>
  layer.verify({ spec: tsSpec, candidate: { language: 'typescript', code } });
const verifyPy = (layer: VerificationLayer, code: string) =>
  layer.verify({ spec: pySpec, candidate: { language: 'python', code } });

describe('verification layers', () => {
  test('a correct MultiPL-E-style TypeScript candidate passes syntax, types and unit tests', async () => {
    for (const layer of [syntax, types, unitTests]) {
      const result = await verifyTs(layer, TS_CORRECT);
      expect(result, layer.name).toMatchObject({ layer: layer.name, status: 'pass' });
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  test('syntax: a TypeScript parse error fails with its line', async () => {
    const result = await verifyTs(syntax, 'function has_close_elements(numbers: number[]) {\n  return numbers.length >;\n}');
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line 2:\d+: Expression expected/);
  });

  test('syntax: a Python syntax error is reported with its line; correct Python passes', async () => {
    const bad = await verifyPy(syntax, PY_SYNTAX_ERROR);
    expect(bad.status).toBe('fail');
    expect(bad.reason).toMatch(/^line 4:\d+: /);
    expect(bad.details).toMatchObject({ diagnostics: [{ line: 4 }] });
    expect((await verifyPy(syntax, PY_CORRECT)).status).toBe('pass');
  });

  test('types: a wrongly typed candidate fails with the line of the error', async () => {
    const result = await verifyTs(types, TS_BAD_TYPES);
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line 2:\d+: Type 'string' is not assignable to type 'number'/);
  });

  test('types: the entry point must match the spec signature and exist', async () => {
    const mismatch = await verifyTs(types, TS_BAD_SIGNATURE);
    expect(mismatch.status).toBe('fail');
    expect(mismatch.reason).toContain("entry point 'has_close_elements' does not match the spec signature (numbers: number[], threshold: number) => boolean");
    const missing = await verifyTs(types, 'function other(): boolean { return true; }');
    expect(missing).toMatchObject({ status: 'fail', reason: "entry point 'has_close_elements' is not defined" });
  });

  test('types: Python is skipped with a reason, never passed', async () => {
    const result = await verifyPy(types, PY_CORRECT);
    expect(result).toMatchObject({ status: 'skipped', reason: 'pyright type checking for Python is not installed' });
  });

  test('unit tests: a wrong candidate fails naming the first failing test', async () => {
    const result = await verifyTs(unitTests, TS_WRONG);
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('test 2: has_close_elements([1,2.8,3,4,5,2], 0.3) returned false, expected true');
    expect(result.details).toMatchObject({ passed: 1, total: 3 });
  });

  test('unit tests: Python candidates, expectThrows and load failures', async () => {
    expect((await verifyPy(unitTests, PY_CORRECT)).status).toBe('pass');
    const spec = TaskSpecSchema.parse({
      ...pySpec,
      testCases: [{ inputs: [[], -1], expectThrows: true }, { inputs: [[1.0], 0.5] }],
    });
    const throwing = 'def has_close_elements(numbers, threshold):\n    if threshold < 0:\n        raise ValueError("negative")\n    return False\n';
    expect((await unitTests.verify({ spec, candidate: { language: 'python', code: throwing } })).status).toBe('pass');
    const notThrowing = await unitTests.verify({ spec, candidate: { language: 'python', code: PY_CORRECT } });
    expect(notThrowing.reason).toBe('test 1: has_close_elements([], -1) returned false, expected it to throw');
    const broken = await verifyPy(unitTests, 'raise ImportError("nope")');
    expect(broken.status).toBe('fail');
    expect(broken.reason).toContain('load-error');
  });

  test('unit tests: expected exceptions by type and message pattern, in both languages', async () => {
    const spec = TaskSpecSchema.parse({
      ...pySpec,
      testCases: [{ inputs: [[], -1], throws: { type: 'ValueError', message: '^threshold .* negative' } }],
    });
    const raising = (type: string, message: string) =>
      `def has_close_elements(numbers, threshold):\n    if threshold < 0:\n        raise ${type}(${JSON.stringify(message)})\n    return False\n`;
    expect((await unitTests.verify({ spec, candidate: { language: 'python', code: raising('ValueError', 'threshold -1 is negative') } })).status).toBe('pass');
    const wrongType = await unitTests.verify({ spec, candidate: { language: 'python', code: raising('TypeError', 'threshold -1 is negative') } });
    expect(wrongType.reason).toBe('test 1: has_close_elements([], -1) threw TypeError: threshold -1 is negative, expected it to throw ValueError with a message matching /^threshold .* negative/');
    const wrongMessage = await unitTests.verify({ spec, candidate: { language: 'python', code: raising('ValueError', 'bad input') } });
    expect(wrongMessage.status).toBe('fail');
    expect(wrongMessage.reason).toContain('threw ValueError: bad input, expected it to throw ValueError with a message matching');
    const returning = await unitTests.verify({ spec, candidate: { language: 'python', code: PY_CORRECT } });
    expect(returning.reason).toBe('test 1: has_close_elements([], -1) returned false, expected it to throw ValueError with a message matching /^threshold .* negative/');
    const tsThrows = TaskSpecSchema.parse({ ...tsSpec, testCases: [{ inputs: [[], -1], throws: { type: 'RangeError' } }] });
    const rangeError = 'function has_close_elements(numbers: number[], threshold: number): boolean { if (threshold < 0) throw new RangeError("negative"); return false; }';
    expect((await unitTests.verify({ spec: tsThrows, candidate: { language: 'typescript', code: rangeError } })).status).toBe('pass');
    const plainError = rangeError.replace('RangeError', 'Error');
    expect((await unitTests.verify({ spec: tsThrows, candidate: { language: 'typescript', code: plainError } })).reason).toContain('threw Error: negative, expected it to throw RangeError');
  });

  test('unit tests: a list compared in any order or as a set, per test or for the output', async () => {
    const base = { ...tsSpec, signature: { ...tsSpec.signature, output: { type: 'number[]' } } };
    const code = 'function has_close_elements(numbers: number[], threshold: number): number[] { return [...numbers].reverse(); }';
    const run = (testCases: unknown[], output: Record<string, unknown> = { type: 'number[]' }) =>
      unitTests.verify({ spec: TaskSpecSchema.parse({ ...base, signature: { ...base.signature, output }, testCases }), candidate: { language: 'typescript', code } });
    expect((await run([{ inputs: [[1, 2, 3], 0], expected: [1, 2, 3] }])).reason).toBe('test 1: has_close_elements([1,2,3], 0) returned [3,2,1], expected [1,2,3]');
    expect((await run([{ inputs: [[1, 2, 3], 0], expected: [1, 2, 3], compare: 'unordered' }])).status).toBe('pass');
    expect((await run([{ inputs: [[1, 2, 3], 0], expected: [1, 2, 3] }], { type: 'number[]', compare: 'unordered' })).status).toBe('pass');
    expect((await run([{ inputs: [[1, 1, 2], 0], expected: [1, 2], compare: 'set' }])).status).toBe('pass');
    const unordered = await run([{ inputs: [[1, 1, 2], 0], expected: [1, 2, 2], compare: 'unordered' }]);
    expect(unordered.reason).toBe('test 1: has_close_elements([1,1,2], 0) returned [2,1,1], expected [1,2,2] (compared in any order)');
    // A test's own comparator wins over the output's.
    expect((await run([{ inputs: [[1, 2], 0], expected: [1, 2], compare: 'exact' }], { type: 'number[]', compare: 'unordered' })).status).toBe('fail');
  });

  test('unit tests: numbers are compared with a small tolerance', async () => {
    const spec = TaskSpecSchema.parse({
      ...tsSpec,
      signature: { ...tsSpec.signature, output: { type: 'number' } },
      testCases: [{ inputs: [[0.1, 0.2], 0], expected: 0.3 }],
    });
    const code = 'function has_close_elements(numbers: number[], threshold: number): number { return numbers[0] + numbers[1]; }';
    expect((await unitTests.verify({ spec, candidate: { language: 'typescript', code } })).status).toBe('pass');
  });
});
