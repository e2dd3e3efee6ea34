/**
 * @module test/hostile/class-proxy
 * Hidden unittest suites of a class spec scored through the class proxy (`verify/judge/class-proxy.ts`): the tests
 * in a judge process that never runs candidate code, the class in the candidate's own sandboxed process. An honest
 * class passes with a per-test-class report; a wrong one fails in the test class that catches it; and hostile classes
 * (`test/fixtures/hostile/class-proxy/`) that lie about equality, fake a skip, exit cleanly, bring their own driver or
 * print as the expected value are each REPORTED FAILING.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { classEvalRunner } from '../../src/task-spec/importers/classeval.js';
import { TaskSpecSchema, type BenchmarkProblem } from '../../src/task-spec/task-spec.js';
import { scoreOnHiddenTests } from '../../src/verify/score-hidden-tests.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hostile/class-proxy');
const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());

const TESTS = `import unittest


class CounterTestAdd(unittest.TestCase):
    def test_add(self):
        c = Counter(0)
        self.assertEqual(c.add(3), 3)
        self.assertEqual(c.total, 3)


class CounterTestMain(unittest.TestCase):
    def test_main(self):
        c = Counter(1)
        c.total = 5
        self.assertIsInstance(c, Counter)
        self.assertEqual(len(c.history), 0)
`;

const problem: BenchmarkProblem = {
  spec: TaskSpecSchema.parse({
    id: 'counter', name: 'Counter', description: 'A counter.', taskType: 'class', language: 'python',
    signature: { entryPoint: 'Counter', inputs: [{ name: 'start', type: 'int' }], output: { type: 'Counter' } },
    methods: [{ name: 'add', inputs: [{ name: 'n', type: 'int' }], output: { type: 'int' } }],
    stub: 'class Counter:\n    def __init__(self, start):\n        pass\n\n    def add(self, n):\n        pass\n',
  }),
  hidden: { language: 'python', program: TESTS, runner: classEvalRunner(['CounterTestAdd', 'CounterTestMain']) },
};

const HONEST = `class Counter:
    def __init__(self, start):
        self.total = start
        self.history = []

    def add(self, n):
        self.total += n
        return self.total
`;

describe('hidden tests of a class through the class proxy', () => {
  it('an honest class passes, with each test class reported', async () => {
    const score = await scoreOnHiddenTests({ sandbox, problem, code: HONEST, timeoutMs: 20_000 });
    expect(score).toMatchObject({ passed: true, reason: 'passed', testClasses: { CounterTestAdd: true, CounterTestMain: true } });
  }, 60_000);

  it('a wrong method fails the test class that calls it, and only that one', async () => {
    const score = await scoreOnHiddenTests({ sandbox, problem, code: HONEST.replace('self.total += n', 'self.total += n + 1'), timeoutMs: 20_000 });
    expect(score).toMatchObject({ passed: false, reason: 'failed', testClasses: { CounterTestAdd: false, CounterTestMain: true } });
    expect(score.detail).toMatch(/AssertionError: 4 != 3/);
  }, 60_000);

  it.each([
    ['cp01-lying-eq-object.py'],
    ['cp02-skip-test.py'],
    ['cp03-exit-zero.py'],
    ['cp04-own-driver.py'],
    ['cp05-string-lies.py'],
  ])('%s is reported failing', async (file) => {
    const code = readFileSync(join(FIXTURES, file), 'utf8');
    const score = await scoreOnHiddenTests({ sandbox, problem, code, timeoutMs: 20_000 });
    expect(score.passed).toBe(false);
    expect(score.testClasses?.['CounterTestAdd']).not.toBe(true);
  }, 60_000);
});
