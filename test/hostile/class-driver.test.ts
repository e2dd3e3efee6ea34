/**
 * @module test/hostile/class-driver
 * Hostile class candidates against the call-sequence driver (`verify/class-sequences.ts`), which runs in the
 * candidate's process: a method returning a value whose equality lies, a candidate that patches the builtins the
 * driver reads or redefines the driver itself. Each must fail the unit-tests layer with a wrong or refused value:
 * the driver is appended after the candidate (a redefinition is overwritten), and what crosses to the engine is only
 * plain data of exact built-in types, checked by the harness's codec with references taken before the candidate
 * loaded (a patched `type` or `Object.getPrototypeOf` does not reach it). Fixtures: `test/fixtures/hostile/classes/`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../src/sandbox/index.js';
import { TaskSpecSchema, type Language } from '../../src/task-spec/task-spec.js';
import { UnitTestsLayer } from '../../src/verify/layers/unit-tests.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hostile/classes');
const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());
const layer = new UnitTestsLayer({ runner: new SandboxCandidateRunner(sandbox) });

const spec = (language: Language) => TaskSpecSchema.parse({
  id: 'counter', name: 'Counter', description: 'A counter.', taskType: 'class', language,
  signature: { entryPoint: 'Counter', inputs: [{ name: 'start', type: language === 'python' ? 'int' : 'number' }], output: { type: 'Counter' } },
  methods: [{ name: 'add', inputs: [{ name: 'n', type: language === 'python' ? 'int' : 'number' }], output: { type: language === 'python' ? 'int' : 'number' } }],
  sequences: [{ construct: [0], steps: [{ call: 'add', args: [3], expected: 3 }] }],
  limits: { timeoutMs: 2000 },
});

const CASES: readonly (readonly [file: string, language: Language, reason: RegExp])[] = [
  ['c01-lying-eq.py', 'python', /^sequence 1, step 1: add\(3\) returned an instance of Liar, expected 3$/],
  ['c02-patched-builtins.py', 'python', /^sequence 1: the sequence driver threw UnserializableResult: cannot return a value of type Liar: only plain data/],
  ['c03-proto-patch.ts', 'typescript', /^sequence 1: the sequence driver threw UnserializableResult: the result holds an object that is not plain data/],
];

describe('hostile class candidates against the sequence driver', () => {
  it.each(CASES)('%s fails the unit-tests layer', async (file, language, reason) => {
    const code = readFileSync(join(FIXTURES, file), 'utf8');
    const result = await layer.verify({ spec: spec(language), candidate: { language, code } });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(reason);
  }, 60_000);
});
