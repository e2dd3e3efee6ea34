/**
 * @module orchestrate/project-build/integrate/render-test-file
 * The `node:test` file of one piece, one `test()` per visible test case of its spec.
 *
 * Expectations that hold no number and no `null` are checked with `assert.deepStrictEqual`. Those that do are checked
 * with `assertEquivalent`, a small helper written into the file that compares as the verifier's oracle does
 * (`verify/values-equal`: numbers within a relative 1e-9, `null` and `undefined` alike) and falls back to
 * `deepStrictEqual` for the failure message; otherwise a piece the solve loop accepted (returning
 * `0.30000000000000004` for `0.3`) would fail integration. `expectThrows` cases use `assert.throws`; an omitted
 * `expected` only requires that the call returns. Entry points declared to return a `Promise` are awaited
 * (`assert.rejects` for throws).
 */
import { expectsThrow, type TestCase } from '../../../task-spec/task-spec.js';
import type { PlannedModule } from './project-layout.js';
import { holdsNumberOrNull, renderLiteral } from './render-literal.js';

/** Source of `assertEquivalent` (see the module comment). */
const ASSERT_EQUIVALENT = `
/** Equal as zerr's verifier compares: numbers within a relative 1e-9, null and undefined alike, arrays and objects deeply. */
function assertEquivalent(actual: unknown, expected: unknown): void {
  if (!equivalent(actual, expected)) assert.deepStrictEqual(actual, expected);
}

function equivalent(a: unknown, b: unknown): boolean {
  if (a === b || (a == null && b == null)) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    return (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => equivalent(item, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const keys = Object.keys(b);
    return Object.keys(a).length === keys.length &&
      keys.every((key) => Object.hasOwn(a, key) && equivalent((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  return false;
}
`;

/** `test/<module>.test.ts` of one piece. A spec without test cases gets one test that the export is a function. */
export function renderTestFile(module: PlannedModule): string {
  const { entryPoint } = module.piece.spec.signature;
  const awaits = /^\s*Promise\s*</.test(module.piece.spec.signature.output.type);
  const cases = module.piece.spec.testCases;
  const tolerant = cases.some((c) => !expectsThrow(c) && c.expected !== undefined && holdsNumberOrNull(c.expected));
  const tests =
    cases.length === 0
      ? [`test(${JSON.stringify(`${entryPoint} is exported as a function`)}, () => {\n  assert.equal(typeof ${entryPoint}, 'function');\n});\n`]
      : cases.map((testCase, index) => renderCase(entryPoint, testCase, index, awaits));
  return [
    `import { test } from 'node:test';\n`,
    `import assert from 'node:assert/strict';\n`,
    `import { ${entryPoint} } from '../${module.sourcePath.replace(/\.ts$/, '.js')}';\n`,
    tolerant ? ASSERT_EQUIVALENT : '',
    ...tests.map((t) => `\n${t}`),
  ].join('');
}

function renderCase(entryPoint: string, testCase: TestCase, index: number, awaits: boolean): string {
  const name = `${entryPoint} #${index + 1}${testCase.description === undefined ? '' : `: ${testCase.description.replace(/\s+/g, ' ').trim()}`}`;
  const call = `${entryPoint}(${testCase.inputs.map((input) => renderLiteral(input)).join(', ')})`;
  let body: string;
  if (expectsThrow(testCase)) {
    body = awaits ? `await assert.rejects(async () => ${call});` : `assert.throws(() => ${call});`;
  } else if (testCase.expected === undefined) {
    body = `${awaits ? 'await ' : ''}${call};`;
  } else {
    const actual = awaits ? `await ${call}` : call;
    const check = holdsNumberOrNull(testCase.expected) ? 'assertEquivalent' : 'assert.deepStrictEqual';
    body = `${check}(${actual}, ${renderLiteral(testCase.expected)});`;
  }
  return `test(${JSON.stringify(name)}, ${awaits ? 'async ' : ''}() => {\n  ${body}\n});\n`;
}
