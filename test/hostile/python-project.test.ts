/**
 * @module test/hostile/python-project
 * A hostile piece of a built Python project against the integration check (`integrate/python-project-check.ts`,
 * decision 019): the piece runs in its own sandboxed process with the package's sources, and looks there for the
 * answers its tests expect (the test files, any object holding an `expected` key, any frame local named like one).
 * The check sends the sandbox only the package's `src/` files and the calls' inputs; the expected values stay with
 * the engine, which judges. The piece's one test expects exactly the package's files to be visible, so it passes only
 * when nothing else was found. Fixture: `test/fixtures/hostile/integration/`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectFiles, verifyProject } from '../../src/orchestrate/project-build/integrate/index.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { TaskSpecSchema } from '../../src/task-spec/task-spec.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/hostile/integration/i01-look-for-expected-values.py');
const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());

describe('a hostile piece of a Python project', () => {
  it('i01 finds neither the test files nor the expected values in its process', async () => {
    const visible = ['src/probe/__init__.py', 'src/probe/leak.py'];
    const pieces = [{
      nodeId: 'leak', source: 'consensus' as const, dependencies: [], code: readFileSync(FIXTURE, 'utf8'),
      spec: TaskSpecSchema.parse({
        id: 'leak', name: 'Leak', description: 'What the piece can see.', language: 'python',
        signature: { entryPoint: 'leak', inputs: [{ name: 'x', type: 'int' }], output: { type: 'List[str]' } },
        testCases: [{ inputs: [1], expected: visible }],
        limits: { timeoutMs: 5000 },
      }),
    }];
    const files = projectFiles({ name: 'probe', requirements: 'Probe.', pieces });
    expect(Object.keys(files)).toContain('tests/test_leak.py');
    const verdict = await verifyProject({ files, pieces, name: 'probe', sandbox });
    expect(verdict.tests.find((t) => t.name === 'test_leak_1')).toEqual({ file: 'tests/test_leak.py', name: 'test_leak_1', passed: true });
  }, 60_000);
});
