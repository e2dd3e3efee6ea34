/**
 * @module test/hostile/service-packages
 * A hostile handler of a built TypeScript service against the packages the project's test run is lent
 * (`SandboxRunRequest.nodePackages`: zerr's own Fastify, bound read-only into the sandbox, node's permission model
 * granting reads only). The handler tries to change Fastify's files in every way it can reach; the scenario's one
 * request expects each attempt blocked, and the files on this machine must be byte-identical afterwards.
 * Fixture: `test/fixtures/hostile/integration/i02-poison-lent-packages.ts`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectFiles, verifyProject } from '../../src/orchestrate/project-build/integrate/index.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { TaskSpecSchema } from '../../src/task-spec/task-spec.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/hostile/integration/i02-poison-lent-packages.ts');
const FASTIFY = dirname(createRequire(import.meta.url).resolve('fastify/package.json'));
const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());

/** Names and contents of Fastify's top-level files, hashed. */
function fastifyFingerprint(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(FASTIFY).sort()) {
    hash.update(name);
    if (name.endsWith('.js') || name === 'package.json') hash.update(readFileSync(join(FASTIFY, name)));
  }
  return hash.digest('hex');
}

describe('a hostile handler of a TypeScript service', () => {
  it('i02 cannot change the Fastify it is lent: every write is blocked and zerr\'s copy is unchanged', async () => {
    const before = fastifyFingerprint();
    const blocked = Object.fromEntries(['overwrite', 'append', 'create', 'unlink', 'rename', 'chmod', 'open for writing', 'internal binding'].map((name) => [name, 'blocked']));
    const pieces = [{
      nodeId: 'probe', source: 'consensus' as const, dependencies: [], code: readFileSync(FIXTURE, 'utf8'),
      spec: TaskSpecSchema.parse({
        id: 'probe', name: 'Probe', description: 'Tries to change the lent packages.', language: 'typescript',
        signature: { entryPoint: 'probe', inputs: [{ name: 'state', type: 'unknown' }, { name: 'request', type: 'unknown' }], output: { type: '{ status: number; body: unknown }' } },
        testCases: [{ inputs: [{}, {}], expected: { status: 200, body: blocked } }],
        limits: { timeoutMs: 5000 },
      }),
    }];
    const service = { initialState: {}, routes: [{ method: 'GET' as const, path: '/probe', handler: 'probe' }], scenario: [{ method: 'GET' as const, path: '/probe', status: 200, response: blocked }] };
    const files = projectFiles({ name: 'probe', requirements: 'Probe.', pieces, service });
    const verdict = await verifyProject({ files, pieces, name: 'probe', service, sandbox });
    expect(verdict.tests.filter((t) => t.file === 'test/service.test.ts')).toEqual([{ file: 'test/service.test.ts', name: 'service #1: GET /probe', passed: true }]);
    expect(verdict.tests.find((t) => t.file === 'test/probe.test.ts')).toMatchObject({ passed: true });
    expect(fastifyFingerprint()).toBe(before);
  }, 90_000);
});
