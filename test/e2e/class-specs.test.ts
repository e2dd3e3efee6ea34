/**
 * Class specs end to end (issue 14 #1): `zerr spec check` and `zerr verify` of a Python and a TypeScript class spec
 * (test/fixtures/specs/bank-account.yaml, bounded-stack.yaml) against hand-written classes (test/fixtures/classes/,
 * labelled as such: not a model's output) and against wrong variants of them, in the real sandbox; `zerr solve` on a
 * class spec with hand-written replay answers (test/fixtures/replay/bank-account-handwritten.jsonl).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runZerr } from '../fixtures/cli/run-zerr.js';

const BANK_SPEC = join(ROOT, 'test', 'fixtures', 'specs', 'bank-account.yaml');
const STACK_SPEC = join(ROOT, 'test', 'fixtures', 'specs', 'bounded-stack.yaml');
const BANK = join(ROOT, 'test', 'fixtures', 'classes', 'bank_account.py');
const STACK = join(ROOT, 'test', 'fixtures', 'classes', 'bounded_stack.ts');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-class-specs-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A copy of `file` with each `[from, to]` replaced, in the work folder. */
async function variant(file: string, name: string, ...edits: readonly (readonly [string, string])[]): Promise<string> {
  let text = await readFile(file, 'utf8');
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const out = join(work, name);
  await writeFile(out, text);
  return out;
}

describe('class specs', () => {
  it('spec check describes a class spec by its methods and call sequences', async () => {
    const result = await runZerr(['spec', 'check', STACK_SPEC], { cwd: work });
    expect(result.stdout.trim()).toBe(`${STACK_SPEC}: valid task spec bounded-stack (typescript class BoundedStack: 3 methods, 1 call sequence, 8 steps)`);
    expect(result.code).toBe(0);
  });

  it('verifies a right Python class and names the first failing step of a wrong one', async () => {
    const right = await runZerr(['verify', BANK_SPEC, BANK], { cwd: work });
    expect(right.stdout).toMatch(/^pass {2}unit-tests .* all 3 call sequences passed \(7 steps\)$/m);
    expect(right.stdout).toMatch(/^skip {2}performance .* \(it does not time class specs yet\)$/m);
    expect(right.code).toBe(0);
    const overdraws = await variant(BANK, 'overdraws.py', ['if amount > self.balance:', 'if amount > self.balance + 1000:']);
    const wrong = await runZerr(['verify', BANK_SPEC, overdraws], { cwd: work });
    expect(wrong.stdout).toMatch(/^rejected at unit-tests: sequence 1, step 2: withdraw\(500\) returned -350, expected it to throw ValueError$/m);
    expect(wrong.code).toBe(2);
    const noCheck = await variant(BANK, 'no-check.py', ['raise ValueError("amount must be positive")', 'pass']);
    const loose = await runZerr(['verify', BANK_SPEC, noCheck], { cwd: work });
    expect(loose.stdout).toMatch(/^rejected at unit-tests: sequence 2, step 1: deposit\(0\) returned 0, expected it to throw ValueError with a message matching \/positive\/$/m);
    const broken = await variant(BANK, 'broken-init.py', ['self.balance = balance', 'self.balance = [balance][1]']);
    const crash = await runZerr(['verify', BANK_SPEC, broken], { cwd: work });
    expect(crash.stdout).toMatch(/^rejected at unit-tests: sequence 1: BankAccount\(100\) threw IndexError: list index out of range$/m);
    const float = await variant(BANK, 'float-balance.py', ['self.balance = balance', 'self.balance = balance / 1']);
    const mistyped = await runZerr(['verify', BANK_SPEC, float], { cwd: work });
    expect(mistyped.stdout).toMatch(/^rejected at types: line 9:16: Type "float" is not assignable to return type "int" \(reportReturnType\)/m);
  }, 120_000);

  it('checks a TypeScript class against the declared shape, then runs its sequences', async () => {
    const right = await runZerr(['verify', STACK_SPEC, STACK], { cwd: work });
    expect(right.stdout).toMatch(/^pass {2}types .* 'BoundedStack' matches new \(capacity: number\) => \{ push\(item: number\): BoundedStack; pop\(\): number; items\(\): number\[\]; size: number \}$/m);
    expect(right.stdout).toMatch(/^pass {2}unit-tests .* all 1 call sequence passed \(8 steps\)$/m);
    expect(right.code).toBe(0);
    const reversed = await variant(STACK, 'reversed.ts', ['return [...this.#items];', 'return [...this.#items].reverse();']);
    const wrong = await runZerr(['verify', STACK_SPEC, reversed], { cwd: work });
    expect(wrong.stdout).toMatch(/^rejected at unit-tests: sequence 1, step 5: items\(\) returned \[2,1\], expected \[1,2\]$/m);
    const typed = await variant(STACK, 'string-pop.ts', ['pop(): number {', 'pop(): string {'], ['return item;', 'return String(item);']);
    const mistyped = await runZerr(['verify', STACK_SPEC, typed], { cwd: work });
    expect(mistyped.stdout).toMatch(/^rejected at types: entry point 'BoundedStack' does not match the spec signature .*The types returned by 'pop\(\)' are incompatible/m);
    expect(mistyped.code).toBe(2);
  }, 120_000);

  it('verifies a ClassEval task by its dataset reference: the reference solution passes its docstring examples, a wrong one fails', async () => {
    const dataDir = join(ROOT, '..', 'shared');
    const records = JSON.parse(await readFile(join(dataDir, 'bench', 'classeval', 'ClassEval_data.json'), 'utf8')) as { task_id: string; solution_code: string }[];
    const solution = records.find((r) => r.task_id === 'ClassEval_1')?.solution_code ?? '';
    const reference = join(work, 'area.py');
    await writeFile(reference, solution);
    const right = await runZerr(['verify', 'classeval:ClassEval_1', reference, '--data-dir', dataDir], { cwd: work });
    expect(right.stdout).toMatch(/^verified: ClassEval_1 passed every layer that applies \(5 passed, 3 skipped\)$/m);
    const wrong = await variant(reference, 'area-wrong.py', ['4 * math.pi', '3 * math.pi']);
    const rejected = await runZerr(['verify', 'classeval:ClassEval_1', wrong, '--data-dir', dataDir], { cwd: work });
    expect(rejected.stdout).toMatch(/^rejected at unit-tests: sequence 2, step 1: calculate_sphere_area\(\) returned 37\.69911184307752, expected 50\.26548245743669$/m);
    expect(rejected.code).toBe(2);
  }, 120_000);

  it('solve samples, red-flags, verifies and votes on a class spec (hand-written replay answers)', async () => {
    const model = `replay:${join(ROOT, 'test', 'fixtures', 'replay', 'bank-account-handwritten.jsonl')}`;
    const store = join(work, 'solve.sqlite');
    const all = await runZerr(['solve', BANK_SPEC, '--model', model, '--k', '5', '--max-samples', '7', '--json', '--store', store], { cwd: work });
    expect(all.code, all.stderr).toBe(2); // a best partial result, not a consensus
    const report = JSON.parse(all.stdout.slice(all.stdout.indexOf('{'))) as Record<string, unknown>;
    // Seven answers: four right classes (one after a line of prose, no fence), one that refuses negative withdrawals
    // too (its own behaviour class on generated sequences), one without the balance check, one without withdraw.
    expect(report).toMatchObject({
      outcome: 'best-partial', votes: 4, runnerUpVotes: 1, samples: 7, verified: 5,
      redFlagsByRule: { 'wrong-format': 1 }, failedByLayer: { 'unit-tests': 1 },
    });
    expect(report['classes']).toHaveLength(2);
    expect(report['code']).toMatch(/raise ValueError\("insufficient funds"\)/);
    expect(report['code']).not.toMatch(/negative amount/);
    // With k = 2 the right class wins by consensus, and the chosen class passes zerr verify on its own.
    const consensus = await runZerr(['solve', BANK_SPEC, '--model', model, '--k', '2', '--store', store, '--out', join(work, 'bank-out')], { cwd: work });
    expect(consensus.code, consensus.stderr).toBe(0);
    expect(consensus.stdout).toMatch(/^task bank-account: consensus$/m);
    const written = /code: (\S+BankAccount\.py)/.exec(consensus.stdout)?.[1] ?? '';
    const verified = await runZerr(['verify', BANK_SPEC, written.startsWith('/') ? written : join(work, written)], { cwd: work });
    expect(verified.stdout).toMatch(/^verified: bank-account passed every layer/m);
  }, 180_000);
});

describe('ClassEval replayed through solve', () => {
  it('solves ClassEval_1 from ChatGPT\'s recorded samples and scores the choice on the hidden unittest suite', async () => {
    const dataDir = join(ROOT, '..', 'shared');
    const result = await runZerr(['solve', 'classeval:ClassEval_1', '--model', 'replay:classeval?model=ChatGPT', '--k', '2', '--score', '--data-dir', dataDir, '--store', join(work, 'classeval.sqlite'), '--out', join(work, 'classeval-out')], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^task ClassEval_1: consensus$/m);
    // All six of its unittest classes pass through the class proxy, as the recorded labels say of every sample.
    expect(result.stdout).toMatch(/^ {2}hidden tests: passed \(6\/6 test classes\)$/m);
  }, 180_000);
});

describe('module specs', () => {
  const MODULE_SPEC = join(ROOT, 'test', 'fixtures', 'specs', 'text-stats-module.yaml');
  const MODULE = join(ROOT, 'test', 'fixtures', 'modules', 'text_stats.ts');

  it('spec check, verify and solve a TypeScript module: functions and a constant tested together', async () => {
    const checked = await runZerr(['spec', 'check', MODULE_SPEC], { cwd: work });
    expect(checked.stdout).toMatch(/valid task spec text-stats \(typescript module textStats: 2 functions, 1 constant, 2 call sequences, 5 steps\)/);
    const right = await runZerr(['verify', MODULE_SPEC, MODULE], { cwd: work });
    expect(right.stdout).toMatch(/^pass {2}unit-tests .* all 2 call sequences passed \(5 steps\)$/m);
    const missing = await variant(MODULE, 'text_stats_missing.ts', ['export function longestWord', 'function longestWordX']);
    const rejected = await runZerr(['verify', MODULE_SPEC, missing], { cwd: work });
    expect(rejected.stdout).toMatch(/^rejected at types: a member of the module textStats is not defined: Cannot find name 'longestWord'/m);
    const model = `replay:${join(ROOT, 'test', 'fixtures', 'replay', 'text-stats-handwritten.jsonl')}`;
    const solved = await runZerr(['solve', MODULE_SPEC, '--model', model, '--k', '5', '--max-samples', '5', '--json', '--store', join(work, 'module.sqlite')], { cwd: work });
    expect(solved.code, solved.stderr).toBe(2); // a best partial result, not a consensus
    const report = JSON.parse(solved.stdout.slice(solved.stdout.indexOf('{'))) as Record<string, unknown>;
    // Three right modules, two written differently, are one behaviour class; one lacks a function, one miscounts.
    expect(report).toMatchObject({ outcome: 'best-partial', votes: 3, runnerUpVotes: 0, samples: 5, verified: 3, redFlagsByRule: { 'wrong-format': 1 }, failedByLayer: { 'unit-tests': 1 } });
  }, 180_000);

  it('verifies a Python module through its call sequences', async () => {
    const spec = join(work, 'geo.yaml');
    await writeFile(spec, [
      'id: geo', 'name: geo', 'description: Circle helpers.', 'taskType: module', 'language: python',
      'signature: { entryPoint: geo, inputs: [], output: { type: geo } }',
      'methods:', '  - { name: area, inputs: [{ name: r, type: float }], output: { type: float } }',
      'fields:', '  - { name: UNITS, type: str }',
      'sequences:', '  - construct: []', '    steps:', '      - { call: area, args: [2.0], expected: 12.566, tolerance: { absolute: 0.001 } }', '      - { field: UNITS, expected: cm }',
    ].join('\n'));
    const right = join(work, 'geo.py');
    await writeFile(right, 'import math\n\nUNITS = "cm"\n\n\ndef area(r: float) -> float:\n    return math.pi * r * r\n');
    const verified = await runZerr(['verify', spec, right], { cwd: work });
    expect(verified.stdout).toMatch(/^verified: geo passed every layer that applies/m);
    const wrong = await variant(right, 'geo_wrong.py', ['UNITS = "cm"', 'UNITS = "mm"']);
    const rejected = await runZerr(['verify', spec, wrong], { cwd: work });
    expect(rejected.stdout).toMatch(/^rejected at unit-tests: sequence 1, step 2: \.UNITS returned "mm", expected "cm"$/m);
  }, 120_000);
});
