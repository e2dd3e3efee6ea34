import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../../sandbox/create-sandbox.js';
import type { Sandbox } from '../../../sandbox/sandbox.js';
import { TaskSpecSchema, type TaskSpecInput } from '../../../task-spec/task-spec.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { ModuleNameClashError } from './module-name-clash-error.js';
import { projectFiles } from './project-files.js';
import { verifyProject } from './verify-project.js';

/** One real sandbox for every verification of this file. */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const STATE = '{ items: string[] }';
const REQUEST = '{ params: Record<string, string>; query: Record<string, string>; body: unknown }';
const RESPONSE = `{ status: number; body?: unknown; state?: ${STATE} }`;

function handler(nodeId: string, entryPoint: string, body: string, testCases: TaskSpecInput['testCases']): IntegratedPiece {
  return {
    nodeId, source: 'consensus', dependencies: [],
    spec: TaskSpecSchema.parse({
      id: nodeId, language: 'typescript', name: nodeId, description: nodeId,
      signature: { entryPoint, inputs: [{ name: 'state', type: STATE }, { name: 'request', type: REQUEST }], output: { type: RESPONSE } },
      testCases,
    }),
    code: `function ${entryPoint}(state: ${STATE}, request: ${REQUEST}): ${RESPONSE} {\n${body}}\n`,
  };
}

const addItem = handler('add-item', 'addItem',
  '  const name = (request.body as { name: string }).name;\n  const items = [...state.items, name];\n  return { status: 201, body: items.length, state: { items } };\n',
  [{ inputs: [{ items: [] }, { params: {}, query: {}, body: { name: 'a' } }], expected: { status: 201, body: 1, state: { items: ['a'] } } }]);
const getItem = handler('get-item', 'getItem',
  "  const index = Number(request.params['index']);\n  const item = state.items[index];\n  return item === undefined ? { status: 404 } : { status: 200, body: item };\n",
  [{ inputs: [{ items: ['a'] }, { params: { index: '0' }, query: {}, body: null }], expected: { status: 200, body: 'a' } }]);
const service = {
  initialState: { items: [] },
  routes: [{ method: 'POST' as const, path: '/items', handler: 'add-item' }, { method: 'GET' as const, path: '/items/{index}', handler: 'get-item' }],
  scenario: [
    { method: 'POST' as const, path: '/items', body: { name: 'pen' }, status: 201, response: 1 },
    { method: 'GET' as const, path: '/items/0', status: 200, response: 'pen' },
    { method: 'GET' as const, path: '/items/5', status: 404 },
    { method: 'DELETE' as const, path: '/items/0', status: 405, response: { error: 'method not allowed' } },
    { method: 'GET' as const, path: '/nothing?x=1', status: 404, response: { error: 'not found' } },
  ],
};
const pieces = [addItem, getItem];

describe('a TypeScript service', () => {
  const files = projectFiles({ name: 'shelf', requirements: 'A shelf of items over HTTP.', pieces, service });

  it('is a Fastify server around the handlers, a scenario test file and Fastify in package.json', () => {
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['src/server.ts', 'test/service.test.ts', 'src/add-item.ts', 'test/add-item.test.ts']));
    const server = files['src/server.ts'] ?? '';
    expect(server).toContain("import Fastify, { type FastifyInstance } from 'fastify';");
    expect(server).toContain("import { getItem } from './get-item.js';");
    expect(server).toContain('{ method: "GET", url: "/items/:index", pattern: /^\\/items\\/[^/]+$/, handler: getItem },');
    expect(server).toContain('export const INITIAL_STATE: unknown = {"items":[]};');
    expect(files['test/service.test.ts']).toContain('{"method":"DELETE","path":"/items/0","body":null,"status":405,"response":{"error":"method not allowed"}},');
    expect(JSON.parse(files['package.json'] ?? '')).toMatchObject({ dependencies: { fastify: '^5.0.0' }, scripts: { start: 'node dist/src/server.js' } });
    expect(files['README.md']).toContain('| `GET` | `/items/{index}` | `getItem` | `get-item` |');
  });

  it('type-checks with Fastify\'s types and runs its scenario against the server in the sandbox', async () => {
    const verdict = await verifyProject({ files, pieces, name: 'shelf', service, sandbox });
    expect(verdict.typeErrors).toEqual([]);
    expect(verdict.tests.filter((t) => t.file === 'test/service.test.ts')).toEqual([
      { file: 'test/service.test.ts', name: 'service #1: POST /items', passed: true },
      { file: 'test/service.test.ts', name: 'service #2: GET /items/0', passed: true },
      { file: 'test/service.test.ts', name: 'service #3: GET /items/5', passed: true },
      { file: 'test/service.test.ts', name: 'service #4: DELETE /items/0', passed: true },
      { file: 'test/service.test.ts', name: 'service #5: GET /nothing?x=1', passed: true },
    ]);
    expect(verdict.passed).toBe(true);
  }, 60_000);

  it('blames the first failing request on its route\'s handler, not the requests after it', async () => {
    // add-item forgets the new state: its own test passes only on the status, the scenario's GET then finds nothing.
    const forgetful = { ...files, 'src/add-item.ts': (files['src/add-item.ts'] ?? '').replace('return { status: 201, body: items.length, state: { items } };', 'return { status: 201, body: items.length + 1 };') };
    const verdict = await verifyProject({ files: forgetful, pieces, name: 'shelf', service, sandbox });
    const scenario = verdict.tests.filter((t) => t.file === 'test/service.test.ts');
    expect(scenario[0]).toMatchObject({ name: 'service #1: POST /items', passed: false, nodeId: 'add-item', message: expect.stringContaining('expected 1') as unknown });
    expect(scenario[1]).toMatchObject({ name: 'service #2: GET /items/0', passed: false });
    expect(scenario[1]?.nodeId).toBeUndefined();
    expect(verdict.failingNodeIds).toEqual(['add-item']);
  }, 60_000);

  it('a handler that throws answers 500 with the error, blamed on that handler', async () => {
    const throwing = { ...files, 'src/get-item.ts': (files['src/get-item.ts'] ?? '').replace("const index = Number(request.params['index']);", "const index = Number(request.params['index']);\n  if (index === 0) throw new RangeError('no zero');") };
    const verdict = await verifyProject({ files: throwing, pieces, name: 'shelf', service, sandbox });
    expect(verdict.tests.find((t) => t.name === 'service #2: GET /items/0')).toMatchObject({ passed: false, nodeId: 'get-item', message: expect.stringContaining('answered 500 {"error":"RangeError: no zero"}') as unknown });
    expect(verdict.failingNodeIds).toEqual(['get-item']);
  }, 60_000);

  it('a piece may not take the server\'s module', () => {
    const server = { ...getItem, spec: { ...getItem.spec, signature: { ...getItem.spec.signature, entryPoint: 'server' } } };
    expect(() => projectFiles({ name: 'shelf', requirements: 'x', pieces: [addItem, server], service })).toThrow(ModuleNameClashError);
  });
});
