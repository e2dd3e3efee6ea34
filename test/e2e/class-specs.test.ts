/**
 * Class specs end to end (issue 14 #1): `zerr spec check` and `zerr verify` of a Python and a TypeScript class spec
 * (test/fixtures/specs/bank-account.yaml, bounded-stack.yaml) against hand-written classes (test/fixtures/classes/,
 * labelled as such: not a model's output) and against wrong variants of them, in the real sandbox; `zerr solve`
 * refuses a class spec with a clear error until classes are sampled.
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

  it('solve refuses a class spec with one clear line (exit 3) before anything is sampled', async () => {
    const result = await runZerr(['solve', BANK_SPEC, '--model', 'mock:'], { cwd: work });
    expect(result.stderr).toMatch(/taskType: got "class", expected 'function' for solve \(class specs can be verified with zerr verify; sampling and voting on classes is not built yet\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(3);
  }, 60_000);
});
