/**
 * @module orchestrate/project-build/integrate/render-test-file
 * The `node:test` file of one piece, one `test()` per visible test case of its spec.
 *
 * Expectations that hold no number and no `null` are checked with `assert.deepStrictEqual`. Those that do are checked
 * with `assertEquivalent`, a small helper written into the file that compares as the verifier's oracle does
 * (`verify/values-equal`: numbers within a relative 1e-9, `null` and `undefined` alike) and falls back to
 * `deepStrictEqual` for the failure message; otherwise a piece the solve loop accepted (returning
 * `0.30000000000000004` for `0.3`) would fail integration. A test compared `unordered`, `set` or `partial` (its own
 * `compare` or the output's) uses `assertCompared`, written into the file the same way. `expectThrows` cases use
 * `assert.throws`, with the expected exception's `name` and message pattern when the spec gives them (a pattern that
 * is RE2 but not JavaScript syntax is left out); an omitted `expected` only requires that the call returns. Entry
 * points declared to return a `Promise` are awaited (`assert.rejects` for throws). A class piece gets one `test()`
 * per call sequence: `const subject = new C(...)`, then each step - a method call or a field read checked as above,
 * or a field assignment.
 */
import { expectsThrow, type Comparator, type TaskSpec, type TestCase } from '../../../task-spec/task-spec.js';
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

/** Source of `assertCompared` (see the module comment); it uses `equivalent` from {@link ASSERT_EQUIVALENT}. */
const ASSERT_COMPARED = [
  '',
  '/** As zerr\'s verifier compares with a comparator: unordered (a multiset), set, or partial (a deep pattern). */',
  "function assertCompared(actual: unknown, expected: unknown, compare: 'unordered' | 'set' | 'partial'): void {",
  "  if (!compared(actual, expected, compare)) assert.fail(JSON.stringify(actual) + ' does not match ' + JSON.stringify(expected) + ' compared ' + compare);",
  '}',
  '',
  "function compared(a: unknown, b: unknown, compare: 'unordered' | 'set' | 'partial'): boolean {",
  "  if (compare === 'partial') return partial(a, b);",
  '  if (!Array.isArray(a) || !Array.isArray(b)) return false;',
  "  if (compare === 'unordered' && a.length !== b.length) return false;",
  '  const each = (wanted: unknown[], pool: unknown[], once: boolean): boolean => {',
  '    const used = pool.map(() => false);',
  '    return wanted.every((x) => {',
  '      const i = pool.findIndex((y, j) => !(once && used[j]) && equivalent(y, x));',
  '      if (i < 0) return false;',
  '      used[i] = true;',
  '      return true;',
  '    });',
  '  };',
  "  return compare === 'unordered' ? each(b, a, true) : each(b, a, false) && each(a, b, false);",
  '}',
  '',
  'function partial(a: unknown, b: unknown): boolean {',
  '  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && b.every((x, i) => partial(a[i], x));',
  "  if (typeof b === 'object' && b !== null) {",
  "    return typeof a === 'object' && a !== null && !Array.isArray(a) &&",
  '      Object.keys(b).every((k) => Object.hasOwn(a, k) && partial((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));',
  '  }',
  '  return equivalent(a, b);',
  '}',
  '',
].join('\n');

/**
 * `test/<module>.test.ts` of one piece. A spec without test cases gets one test that the export is a function. A
 * class spec gets one test per call sequence: construct the class, then each step (a method call, a field read or a
 * field assignment) checked as a function's test case is.
 */
export function renderTestFile(module: PlannedModule): string {
  const { spec } = module.piece;
  const { entryPoint } = spec.signature;
  const checks = isClass(spec) ? sequenceChecks(spec) : functionChecks(spec);
  const tolerant = checks.some((c) => c.helpers.includes('equivalent'));
  const comparing = checks.some((c) => c.helpers.includes('compared'));
  const tests =
    checks.length === 0
      ? [`test(${JSON.stringify(`${entryPoint} is exported as a function`)}, () => {\n  assert.equal(typeof ${entryPoint}, 'function');\n});\n`]
      : checks.map((c) => `test(${JSON.stringify(c.name)}, ${c.awaits ? 'async ' : ''}() => {\n${c.lines.map((line) => `  ${line}\n`).join('')}});\n`);
  return [
    `import { test } from 'node:test';\n`,
    `import assert from 'node:assert/strict';\n`,
    `import { ${entryPoint} } from '../${module.sourcePath.replace(/\.ts$/, '.js')}';\n`,
    tolerant || comparing ? ASSERT_EQUIVALENT : '',
    comparing ? ASSERT_COMPARED : '',
    ...tests.map((t) => `\n${t}`),
  ].join('');
}

/** One rendered test: its name, body lines, whether it awaits, and the helpers its checks use. */
interface RenderedTest {
  readonly name: string;
  readonly lines: readonly string[];
  readonly awaits: boolean;
  readonly helpers: readonly ('equivalent' | 'compared')[];
}

/** What a call or read must give (a test case's or a step's expectation). */
type Expectation = Pick<TestCase, 'expected' | 'expectThrows' | 'throws'>;

function functionChecks(spec: TaskSpec): RenderedTest[] {
  const { entryPoint } = spec.signature;
  const awaits = isPromise(spec.signature.output.type);
  const outputCompare = spec.signature.output.compare ?? 'exact';
  return spec.testCases.map((testCase, index) => {
    const call = `${entryPoint}(${testCase.inputs.map((input) => renderLiteral(input)).join(', ')})`;
    const check = checkStatement(call, testCase, awaits, testCase.compare ?? outputCompare);
    return { name: `${entryPoint} #${index + 1}${describe(testCase.description)}`, lines: [check.line], awaits, helpers: check.helpers };
  });
}

function sequenceChecks(spec: TaskSpec): RenderedTest[] {
  const { entryPoint } = spec.signature;
  const methods = new Map(spec.methods.map((m) => [m.name, m] as const));
  return spec.sequences.map((sequence, index) => {
    const lines = [`const subject = new ${entryPoint}(${sequence.construct.map((value) => renderLiteral(value)).join(', ')});`];
    const helpers: ('equivalent' | 'compared')[] = [];
    let awaits = false;
    for (const step of sequence.steps) {
      if (step.set !== undefined) {
        lines.push(`subject.${step.set} = ${renderLiteral(step.value)};`);
        continue;
      }
      const method = step.call === undefined ? undefined : methods.get(step.call);
      const stepAwaits = method !== undefined && isPromise(method.output.type);
      awaits ||= stepAwaits;
      const actual = step.call !== undefined ? `subject.${step.call}(${step.args.map((value) => renderLiteral(value)).join(', ')})` : `subject.${step.field ?? ''}`;
      const check = checkStatement(actual, step, stepAwaits, step.compare ?? method?.output.compare ?? 'exact');
      lines.push(check.line);
      helpers.push(...check.helpers);
    }
    return { name: `${entryPoint} sequence #${index + 1}${describe(sequence.description)}`, lines, awaits, helpers };
  });
}

/** A class spec (a project's pieces are functions or classes; module specs are not integrated). */
export function isClass(spec: TaskSpec): boolean {
  return spec.taskType === 'class';
}

function describe(description: string | undefined): string {
  return description === undefined ? '' : `: ${description.replace(/\s+/g, ' ').trim()}`;
}

function isPromise(type: string): boolean {
  return /^\s*Promise\s*</.test(type);
}

/** The second argument of `assert.throws` for the expected exception (`, { name: "RangeError", message: /.../u }`), or nothing. */
function throwsValidation(throws: TestCase['throws']): string {
  const fields: string[] = [];
  if (throws?.type !== undefined) fields.push(`name: ${JSON.stringify(throws.type)}`);
  if (throws?.message !== undefined) {
    try {
      void new RegExp(throws.message, 'u');
      fields.push(`message: new RegExp(${JSON.stringify(throws.message)}, 'u')`);
    } catch {
      // RE2 syntax that JavaScript does not read: the name alone is checked here (the verifier checked the message).
    }
  }
  return fields.length === 0 ? '' : `, { ${fields.join(', ')} }`;
}

/** The statement checking `call` (a call or a field read) against `expectation`, and the helpers it needs. */
function checkStatement(call: string, expectation: Expectation, awaits: boolean, compare: Comparator): { line: string; helpers: ('equivalent' | 'compared')[] } {
  if (expectsThrow(expectation)) {
    const validation = throwsValidation(expectation.throws);
    return { line: awaits ? `await assert.rejects(async () => ${call}${validation});` : `assert.throws(() => ${call}${validation});`, helpers: [] };
  }
  if (expectation.expected === undefined) return { line: `${awaits ? 'await ' : ''}${call};`, helpers: [] };
  const actual = awaits ? `await ${call}` : call;
  if (compare !== 'exact') return { line: `assertCompared(${actual}, ${renderLiteral(expectation.expected)}, '${compare}');`, helpers: ['equivalent', 'compared'] };
  return holdsNumberOrNull(expectation.expected)
    ? { line: `assertEquivalent(${actual}, ${renderLiteral(expectation.expected)});`, helpers: ['equivalent'] }
    : { line: `assert.deepStrictEqual(${actual}, ${renderLiteral(expectation.expected)});`, helpers: [] };
}
