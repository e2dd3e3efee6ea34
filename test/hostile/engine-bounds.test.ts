/**
 * @module test/hostile/engine-bounds
 * Engine-side work on candidate text is bounded (CONVENTIONS, Trust): type checking and linting run in worker threads
 * under a wall-clock limit and a heap limit. Each hostile candidate of `test/fixtures/hostile/engine/` - TypeScript
 * type-level bombs and a lint bomb, which in the engine's own thread cost tens of seconds to minutes and more than a
 * GiB of heap - goes through the real layers (`TypesLayer`, `StaticAnalysisLayer`, `SecurityLayer`) with a small
 * limit, and the test checks that:
 * - the layer fails with `type check timed out after N ms` / `lint timed out after N ms` (or `ran out of memory
 *   (limit N MiB)`), and does not throw;
 * - the call returns within its limit plus {@link MARGIN_MS} (the worker is terminated, not waited for);
 * - the test process's own heap stays bounded (the bomb's allocations live and die in the worker's heap);
 * - a normal candidate checked right after passes (a fresh worker is started on demand).
 * And the one piece of candidate text the engine's own thread matches against a spec's pattern, an exception's
 * message (`throws.message`), is matched by RE2 in linear time: `e06` returns at once where a backtracking engine
 * never would.
 *
 * The fixtures end in `.ts.txt` so that neither `tsc -p tsconfig.json` nor an editor's TypeScript server type
 * checks them: they would hang it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../src/sandbox/index.js';
import { TaskSpecSchema, type TaskSpec } from '../../src/task-spec/task-spec.js';
import { SecurityLayer } from '../../src/verify/layers/security.js';
import { StaticAnalysisLayer } from '../../src/verify/layers/static-analysis.js';
import { TypesLayer } from '../../src/verify/layers/types.js';
import { UnitTestsLayer } from '../../src/verify/layers/unit-tests.js';
import { TypeScriptLinter } from '../../src/verify/static/typescript-linter.js';
import type { LayerResult, VerificationLayer } from '../../src/verify/verification-layer.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hostile/engine');
const TYPE_BOMBS = [
  'e01-deep-mapped-types.ts.txt',
  'e02-template-literal-explosion.ts.txt',
  'e03-nested-generic-instantiation.ts.txt',
  'e04-recursive-conditional-types.ts.txt',
] as const;
const LINT_BOMB = 'e05-lint-else-if-chain.ts.txt';
const REDOS_MESSAGE = 'e06-exception-message-redos.ts.txt';

/** Limits of the layers under test: far below what the bombs need, far above what a normal candidate needs. */
const TYPES_TIMEOUT_MS = 1_500;
const LINT_TIMEOUT_MS = 1_500;
/** The security rules are cheap; the lint bomb still takes ESLint over 1 s to parse and walk. */
const SECURITY_TIMEOUT_MS = 100;
const MEMORY_LIMIT_MB = 256;
/** Allowed time past the limit: terminating the worker, the timer firing late on a busy machine. */
const MARGIN_MS = 1_000;
/** Allowed growth of the test process's heap during one hostile check (the bombs need over 1 GiB in process). */
const HEAP_GROWTH_LIMIT_BYTES = 64 * 1024 * 1024;

const spec: TaskSpec = TaskSpecSchema.parse({
  id: 'hostile/engine-add',
  name: 'add',
  description: 'Return the sum of two numbers.',
  language: 'typescript',
  signature: {
    entryPoint: 'add',
    inputs: [{ name: 'a', type: 'number' }, { name: 'b', type: 'number' }],
    output: { type: 'number' },
  },
  testCases: [{ inputs: [1, 2], expected: 3 }],
});
const NORMAL = 'function add(a: number, b: number): number {\n  return a + b;\n}\n';
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** Not used by TypeScript candidates; the layers require one. */
const sandbox = new BwrapSandbox();
const types = new TypesLayer({ timeoutMs: TYPES_TIMEOUT_MS, memoryLimitMb: MEMORY_LIMIT_MB });
const linter = new TypeScriptLinter({ memoryLimitMb: MEMORY_LIMIT_MB });
const staticAnalysis = new StaticAnalysisLayer({ sandbox, linter, timeoutMs: LINT_TIMEOUT_MS });
const security = new SecurityLayer({ sandbox, linter, timeoutMs: SECURITY_TIMEOUT_MS });

const verify = (layer: VerificationLayer, code: string): Promise<LayerResult> =>
  layer.verify({ spec, candidate: { language: 'typescript', code } });

/** Runs one hostile check and measures the wall time and the growth of this process's heap. */
async function hostileCheck(layer: VerificationLayer, code: string): Promise<{ result: LayerResult; ms: number; heapGrowth: number }> {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = await verify(layer, code);
  const ms = performance.now() - started;
  return { result, ms, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
}

/** `type check timed out after 1500 ms` or `type check ran out of memory (limit 256 MiB)`. */
const stopped = (what: string, timeoutMs: number): RegExp =>
  new RegExp(`^${what} (timed out after ${timeoutMs} ms|ran out of memory \\(limit ${MEMORY_LIMIT_MB} MiB\\))$`);

beforeAll(async () => {
  // Start both workers (untimed): each hostile check below then meets a warm worker.
  expect(await verify(types, NORMAL)).toMatchObject({ status: 'pass' });
  expect(await verify(staticAnalysis, NORMAL)).toMatchObject({ status: 'pass' });
});

afterAll(async () => {
  try {
    await types.close();
    await linter.close();
  } finally {
    await sandbox.close();
  }
});

describe('hostile engine inputs: type checking is bounded', () => {
  test('every fixture starts with its Hostile fixture comment and defines add(a, b)', () => {
    for (const name of [...TYPE_BOMBS, LINT_BOMB, REDOS_MESSAGE]) {
      const code = fixture(name);
      expect(code, name).toMatch(/^\/\*\*\n \* Hostile fixture: /);
      expect(code, name).toContain('function add(a: number, b: number): number');
    }
  });

  test.each(TYPE_BOMBS)('%s: the types layer fails within its limit; the next candidate is checked normally', async (name) => {
    const { result, ms, heapGrowth } = await hostileCheck(types, fixture(name));
    expect(result.status, result.reason).toBe('fail');
    expect(result.reason).toMatch(stopped('type check', TYPES_TIMEOUT_MS));
    expect(result.details).toMatchObject({ limitExceeded: expect.stringMatching(/^(timeoutMs|memoryLimitMb)$/) });
    expect(ms).toBeLessThan(TYPES_TIMEOUT_MS + MARGIN_MS);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
    expect(await verify(types, NORMAL)).toMatchObject({ status: 'pass' });
  });

  test('a bomb under a generous time limit runs out of memory instead: reported with the limit, the engine survives', async () => {
    const small = new TypesLayer({ timeoutMs: 60_000, memoryLimitMb: 128 });
    try {
      expect(await verify(small, NORMAL)).toMatchObject({ status: 'pass' });
      const { result, ms, heapGrowth } = await hostileCheck(small, fixture('e01-deep-mapped-types.ts.txt'));
      expect(result).toMatchObject({
        status: 'fail',
        reason: 'type check ran out of memory (limit 128 MiB)',
        details: { limitExceeded: 'memoryLimitMb', memoryLimitMb: 128 },
      });
      expect(ms).toBeLessThan(60_000);
      expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
      expect(await verify(small, NORMAL)).toMatchObject({ status: 'pass' });
    } finally {
      await small.close();
    }
  });
});

describe('hostile engine inputs: linting is bounded', () => {
  test('static-analysis: the lint bomb fails the layer within its limit; the next candidate is linted normally', async () => {
    const { result, ms, heapGrowth } = await hostileCheck(staticAnalysis, fixture(LINT_BOMB));
    expect(result.status, result.reason).toBe('fail');
    expect(result.reason).toMatch(stopped('lint', LINT_TIMEOUT_MS));
    expect(ms).toBeLessThan(LINT_TIMEOUT_MS + MARGIN_MS);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
    expect(await verify(staticAnalysis, NORMAL)).toMatchObject({ status: 'pass' });
  });

  test('security: the lint bomb fails the layer within its limit; the next candidate is linted normally', async () => {
    const { result, ms, heapGrowth } = await hostileCheck(security, fixture(LINT_BOMB));
    expect(result.status, result.reason).toBe('fail');
    expect(result.reason).toMatch(stopped('lint', SECURITY_TIMEOUT_MS));
    expect(ms).toBeLessThan(SECURITY_TIMEOUT_MS + MARGIN_MS);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
    expect(await verify(security, NORMAL)).toMatchObject({ status: 'pass' });
  });
});

describe('hostile engine inputs: matching an expected exception\'s message is linear', () => {
  test('a 401-character message against ^(a|aa)+$ fails the test at once, in the engine\'s thread', async () => {
    const runner = new SandboxCandidateRunner({ sandbox });
    const unitTests = new UnitTestsLayer({ runner });
    const throwing = TaskSpecSchema.parse({ ...spec, testCases: [{ inputs: [-1, 2], throws: { type: 'Error', message: '^(a|aa)+$' } }] });
    const started = performance.now();
    const result = await unitTests.verify({ spec: throwing, candidate: { language: 'typescript', code: fixture(REDOS_MESSAGE) } });
    expect(result.status, result.reason).toBe('fail');
    expect(result.reason).toMatch(/^test 1: add\(-1, ?2\) threw Error: a+!?, expected it to throw Error with a message matching \/\^\(a\|aa\)\+\$\/$/);
    // The sandboxed run (a node start) dominates; a backtracking match would not return at all.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
