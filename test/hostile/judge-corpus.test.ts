/**
 * @module test/hostile/judge-corpus
 * Hostile candidates that try to forge a verdict rather than escape: rewriting verdict objects, shadowing what a check
 * wrapper would use, forged outcome documents, lazy iterators and getters in results, deep and cyclic results,
 * `__eq__` overloads, integer near-misses, patched asserts and exits in hidden-test scoring. For each forged pass the
 * assertion is that the wrong candidate is REPORTED FAILING (by the layer that runs it), never that the attack was
 * merely noticed; and that the engine answered within its limit.
 *
 * Fixtures: `test/fixtures/hostile/judge/` run through the real verifier (`createDefaultVerifier` on a real
 * `BwrapSandbox`, `runAll`) against `add(a, b)` with visible tests, a postcondition and a property;
 * `test/fixtures/hostile/scoring/` are scored on HumanEval/0 (Python) or HumanEval_0_has_close_elements (TypeScript)
 * by `scoreOnHiddenTests`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { resolveDatasetProblem } from '../../src/task-spec/importers/dataset.js';
import { DATASET_FILES, resolveDataDir } from '../../src/task-spec/importers/data-dir.js';
import { TaskSpecSchema, type TaskSpec } from '../../src/task-spec/task-spec.js';
import { createDefaultVerifier } from '../../src/verify/create-default-verifier.js';
import { scoreOnHiddenTests, type HiddenTestScore } from '../../src/verify/score-hidden-tests.js';
import type { VerificationReport } from '../../src/verify/verifier.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const JUDGE = resolve(HERE, '../fixtures/hostile/judge');
const SCORING = resolve(HERE, '../fixtures/hostile/scoring');

/** The layers that must report the candidate failing (at least one of them), and what the reason must say. */
interface Expectation {
  readonly failing: readonly ('unit-tests' | 'contracts' | 'property-tests')[];
  readonly reason?: RegExp;
  readonly by: string;
}

const OFF_VISIBLE: Expectation = { failing: ['contracts', 'property-tests'], by: 'judge process; values only from the candidate' };
const UNSERIALIZABLE: Expectation = { failing: ['unit-tests'], reason: /UnserializableResult/, by: 'plain data only, refused inside the timed call' };
const EXPECTED: Readonly<Record<string, Expectation>> = {
  'j01-then-getter-verdict.ts': OFF_VISIBLE,
  'j02-shadow-promise.ts': OFF_VISIBLE,
  'j03-console-stack-overflow-realm.ts': OFF_VISIBLE,
  'j04-kit-tamper.ts': OFF_VISIBLE,
  'j05-getter-in-result.ts': { failing: ['contracts', 'property-tests'], reason: /UnserializableResult|accessor/, by: 'accessor properties refused' },
  'j06-lazy-iterator-range.ts': { failing: ['contracts', 'property-tests'], by: 'descriptors, never the iterator protocol' },
  'j07-deep-result.ts': { ...UNSERIALIZABLE, reason: /UnserializableResult.*nested deeper/ },
  'j08-cyclic-result.ts': { ...UNSERIALIZABLE, reason: /UnserializableResult.*cyclic/ },
  'j09-integer-near-miss.ts': { failing: ['unit-tests'], reason: /returned 1000000000001000, expected 1000000000000000/, by: 'integers compare exactly' },
  'j10-array-prototype-setter.ts': OFF_VISIBLE,
  'j11-proxy-result.ts': { failing: ['unit-tests'], reason: /UnserializableResult|returned/, by: 'only in-context code reads the value' },
  'j12-forge-outcome-doc.py': OFF_VISIBLE,
  'j13-shadow-builtins.py': OFF_VISIBLE,
  'j14-eq-override.py': { ...UNSERIALIZABLE, reason: /UnserializableResult.*Always/ },
  'j15-deep-result.py': { ...UNSERIALIZABLE, reason: /UnserializableResult.*nested deeper/ },
  'j16-integer-near-miss.py': { failing: ['unit-tests'], reason: /returned 1000000000001000, expected 1000000000000000/, by: 'ints compare exactly' },
  'j17-float-disguise.py': { failing: ['contracts', 'property-tests'], reason: /UnserializableResult|Liar/, by: 'exact built-in types only' },
  'j18-cyclic-result.py': { ...UNSERIALIZABLE, reason: /UnserializableResult.*cyclic/ },
};

function addSpec(language: 'typescript' | 'python'): TaskSpec {
  const ts = language === 'typescript';
  return TaskSpecSchema.parse({
    id: `hostile/judge-add-${language}`,
    name: 'add',
    description: 'Return the sum of two integers.',
    language,
    signature: {
      entryPoint: 'add',
      inputs: [{ name: 'a', type: ts ? 'number' : 'int' }, { name: 'b', type: ts ? 'number' : 'int' }],
      output: { type: ts ? 'number' : 'int' },
    },
    postconditions: [ts ? 'result === a + b' : 'result == a + b'],
    properties: [{ name: 'sum', expression: ts ? 'result - b === a' : 'result - b == a' }],
    testCases: [
      { inputs: [1, 2], expected: 3 },
      { inputs: [-5, 5], expected: 0 },
      { inputs: [10, 20], expected: 30 },
      { inputs: [1e15, 0], expected: 1e15 },
    ],
    limits: { timeoutMs: 1000 },
  });
}

const sandbox = new BwrapSandbox();
const verifier = createDefaultVerifier({ sandbox, pythonTypes: false });
const files = readdirSync(JUDGE).filter((f) => /\.(ts|py)$/.test(f)).sort();
const reports = new Map<string, { report: VerificationReport; ms: number }>();

beforeAll(async () => {
  for (const file of files) {
    const language = file.endsWith('.ts') ? 'typescript' : 'python';
    const started = performance.now();
    const report = await verifier.verify({ spec: addSpec(language), candidate: { language, code: readFileSync(join(JUDGE, file), 'utf8') } }, { runAll: true });
    reports.set(file, { report, ms: performance.now() - started });
  }
  const rows = [...reports].map(([file, { report, ms }]) => {
    const executing = report.results.filter((r) => ['unit-tests', 'contracts', 'property-tests'].includes(r.layer));
    return `${file.padEnd(38)} ${String(Math.round(ms)).padStart(6)} ms  ${executing.map((r) => `${r.layer} ${r.status}`).join(', ')}`;
  });
  console.log(`judge corpus (${files.length} fixtures):\n${rows.join('\n')}`);
}, 600_000);

afterAll(() => sandbox.close());

describe('hostile corpus: forged verdicts', () => {
  test('the table covers every fixture, in both languages', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
    expect(files.filter((f) => f.endsWith('.ts')).length).toBeGreaterThanOrEqual(8);
    expect(files.filter((f) => f.endsWith('.py')).length).toBeGreaterThanOrEqual(6);
    for (const file of files) expect(readFileSync(join(JUDGE, file), 'utf8')).toMatch(/^(\/\*\*\n \* |# )Hostile fixture: /);
  });

  test.each(files)('%s: the wrong candidate is reported failing', (file) => {
    const outcome = reports.get(file);
    const expected = EXPECTED[file];
    expect(outcome).toBeDefined();
    expect(expected).toBeDefined();
    if (outcome === undefined || expected === undefined) return;
    const reasons = outcome.report.results.map((r) => `${r.layer}: ${r.status}: ${r.reason}`).join('\n');
    expect(outcome.report.passed, reasons).toBe(false);
    expect(reasons).not.toContain('ESCAPED');
    const failing = outcome.report.results.filter((r) => r.status === 'fail' && expected.failing.includes(r.layer as never));
    expect(failing.length, reasons).toBeGreaterThan(0);
    if (expected.reason) expect(failing.map((r) => r.reason).join('\n'), reasons).toMatch(expected.reason);
    expect(outcome.ms).toBeLessThan(60_000);
  });
});

const hasData = existsSync(join(resolveDataDir(), DATASET_FILES.humaneval)) && existsSync(join(resolveDataDir(), DATASET_FILES['humaneval-ts']));
const scoringFiles = readdirSync(SCORING).filter((f) => /\.(ts|py)$/.test(f)).sort();

describe.skipIf(!hasData)('hostile corpus: forged hidden-test scores', () => {
  const scores = new Map<string, HiddenTestScore>();
  beforeAll(async () => {
    const python = await resolveDatasetProblem('humaneval:HumanEval/0');
    const typescript = await resolveDatasetProblem('humaneval-ts:HumanEval_0_has_close_elements');
    for (const file of scoringFiles) {
      const problem = file.endsWith('.py') ? python : typescript;
      scores.set(file, await scoreOnHiddenTests({ sandbox, problem, code: readFileSync(join(SCORING, file), 'utf8'), timeoutMs: 10_000 }));
    }
  }, 300_000);

  test('there are scoring fixtures in both languages', () => {
    expect(scoringFiles.filter((f) => f.endsWith('.py')).length).toBeGreaterThanOrEqual(3);
    expect(scoringFiles.filter((f) => f.endsWith('.ts')).length).toBeGreaterThanOrEqual(2);
  });

  test.each(scoringFiles)('%s: scored as failing', (file) => {
    const score = scores.get(file);
    expect(score, file).toBeDefined();
    expect(score?.passed, JSON.stringify(score)).toBe(false);
    expect(score?.reason).not.toBe('passed');
  });
});
