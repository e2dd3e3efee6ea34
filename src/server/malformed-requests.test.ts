/**
 * Malformed HTTP requests (issue 13 #2), one table: each is answered with its status, a stable error code and a
 * message naming the field, the value and what was expected - never a 500, never a stack trace - and none of them
 * starts or records a run. Runs through the real server, run service and engine (Fastify `inject`, in process) on a
 * model that never answers, with the real bubblewrap sandbox. Body depth and size limits, authentication and
 * admission control have their own tests in create-server.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clampSpec } from '../../test/fixtures/orchestrate/specs.js';
import { BwrapSandbox, createEngine, createRunService, MemoryRunStore, MockLanguageModel, type Engine, type RunService } from '../index.js';
import { createServer } from './create-server.js';

interface Case {
  readonly what: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  /** A JSON body (serialised), or a raw string body with its content type. */
  readonly body?: unknown;
  readonly raw?: { readonly payload: string; readonly contentType: string };
  readonly status: number;
  readonly code: string;
  readonly message: RegExp;
}

const spec = clampSpec();
const CASES: readonly Case[] = [
  { what: 'empty object', method: 'POST', url: '/v1/runs', body: {}, status: 400, code: 'invalid_argument', message: /body\.kind: got undefined, expected .*'solve' \| 'build'/ },
  { what: 'unknown kind', method: 'POST', url: '/v1/runs', body: { kind: 'nope' }, status: 400, code: 'invalid_argument', message: /body\.kind: got "nope"/ },
  { what: 'solve without a spec', method: 'POST', url: '/v1/runs', body: { kind: 'solve' }, status: 400, code: 'invalid_argument', message: /body\.spec: got undefined, expected .*object/ },
  { what: 'spec without a signature', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec: { ...spec, signature: undefined } }, status: 400, code: 'invalid_argument', message: /body\.spec\.signature: got undefined/ },
  { what: 'k = 0', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec, k: 0 }, status: 400, code: 'invalid_argument', message: /body\.k: got 0, expected .*>0/ },
  { what: 'k as a string', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec, k: '3' }, status: 400, code: 'invalid_argument', message: /body\.k: got "3", expected .*number/ },
  { what: 'negative maxSamples', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec, maxSamples: -1 }, status: 400, code: 'invalid_argument', message: /body\.maxSamples: got -1/ },
  { what: 'unknown field', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec, foo: 1 }, status: 400, code: 'invalid_argument', message: /body\.foo: got 1, expected Unrecognized key/ },
  { what: 'precondition no input satisfies', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec: { ...spec, preconditions: ['low > high && low < high'] } }, status: 400, code: 'invalid_spec', message: /breaks preconditions\.0/ },
  { what: 'test case with the wrong arity', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec: { ...spec, testCases: [{ inputs: [1, 2], expected: 1 }] } }, status: 400, code: 'invalid_spec', message: /testCases\.0\.inputs: got 2 arguments \[1,2\], expected 3 arguments/ },
  { what: 'postcondition with a typo', method: 'POST', url: '/v1/runs', body: { kind: 'solve', spec: { ...spec, postconditions: ['result.lenght > 0'] } }, status: 400, code: 'invalid_spec', message: /postconditions\.0: got "result\.lenght > 0".*Property 'lenght' does not exist/ },
  {
    what: 'a class spec whose sequence calls an undeclared method', method: 'POST', url: '/v1/runs', status: 400, code: 'invalid_spec',
    message: /sequences\.0\.steps\.0\.call: got "sub", expected one of the declared methods \(add\)/,
    body: { kind: 'solve', spec: {
      id: 'counter', name: 'Counter', description: 'A counter.', taskType: 'class', language: 'python',
      signature: { entryPoint: 'Counter', inputs: [], output: { type: 'Counter' } }, methods: [{ name: 'add', inputs: [{ name: 'n', type: 'int' }], output: { type: 'int' } }],
      sequences: [{ construct: [], steps: [{ call: 'sub', args: [1] }] }],
    } },
  },
  { what: 'blank requirements', method: 'POST', url: '/v1/runs', body: { kind: 'build', requirements: '   ' }, status: 400, code: 'invalid_argument', message: /body\.requirements: got " {3}", expected the requirements text is empty/ },
  { what: 'requirements as a number', method: 'POST', url: '/v1/runs', body: { kind: 'build', requirements: 42 }, status: 400, code: 'invalid_argument', message: /body\.requirements: got 42, expected .*string/ },
  { what: 'unknown build option', method: 'POST', url: '/v1/runs', body: { kind: 'build', requirements: 'x', options: { nope: 1 } }, status: 400, code: 'invalid_argument', message: /body\.options\.nope: got 1/ },
  { what: 'an array body', method: 'POST', url: '/v1/runs', body: [], status: 400, code: 'invalid_argument', message: /body: got \[\], expected .*object/ },
  { what: 'a null body', method: 'POST', url: '/v1/runs', body: null, status: 400, code: 'invalid_argument', message: /body\.kind: got undefined/ },
  { what: 'a text/plain body', method: 'POST', url: '/v1/runs', raw: { payload: 'kind=solve', contentType: 'text/plain' }, status: 400, code: 'invalid_argument', message: /body: got "kind=solve", expected .*object/ },
  { what: 'a form body', method: 'POST', url: '/v1/runs', raw: { payload: 'kind=solve', contentType: 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type', message: /Unsupported Media Type/ },
  { what: 'the alias /build with kind', method: 'POST', url: '/build', body: { kind: 'build', requirements: 'x' }, status: 400, code: 'invalid_argument', message: /body\.kind: got "build", expected Unrecognized key/ },
  { what: 'limit = 0', method: 'GET', url: '/v1/runs?limit=0', status: 400, code: 'invalid_argument', message: /query\.limit: got "0"/ },
  { what: 'limit not a number', method: 'GET', url: '/v1/runs?limit=abc', status: 400, code: 'invalid_argument', message: /query\.limit: got "abc", expected .*number/ },
  { what: 'escalation status unknown', method: 'GET', url: '/v1/escalations?status=bad', status: 400, code: 'invalid_argument', message: /query\.status: got "bad", expected .*"open"\|"answered"/ },
  { what: 'negative lastEventId', method: 'GET', url: '/v1/runs/x/events?lastEventId=-1', status: 400, code: 'invalid_argument', message: /query\.lastEventId: got "-1"/ },
  { what: 'unknown run', method: 'GET', url: '/v1/runs/nope', status: 404, code: 'run_not_found', message: /^no run "nope"$/ },
  { what: 'task of an unknown run', method: 'GET', url: '/v1/runs/nope/tasks/t1', status: 404, code: 'run_not_found', message: /^no run "nope"$/ },
  { what: 'cancel an unknown run', method: 'POST', url: '/v1/runs/nope/cancel', status: 404, code: 'run_not_found', message: /^no run "nope"$/ },
  { what: 'answer for an unknown run', method: 'POST', url: '/v1/runs/nope/escalations/esc-1/answer', body: { code: 'x' }, status: 404, code: 'run_not_found', message: /^no run "nope"$/ },
  { what: 'empty answer code', method: 'POST', url: '/v1/runs/nope/escalations/esc-1/answer', body: { code: '' }, status: 400, code: 'invalid_argument', message: /body(\.code)?: got .*, expected .*(non-empty code|"code")/ },
  { what: 'answer code as a number', method: 'POST', url: '/v1/runs/nope/escalations/esc-1/answer', body: { code: 1 }, status: 400, code: 'invalid_argument', message: /body: got \{"code":1\}, expected an answer: \{ "code": .* \} or \{ "proposal": .* \}/ },
  { what: 'unknown route', method: 'GET', url: '/v1/nothing', status: 404, code: 'not_found', message: /no route GET \/v1\/nothing/ },
  { what: 'unknown method', method: 'DELETE', url: '/v1/runs', status: 404, code: 'not_found', message: /no route DELETE \/v1\/runs/ },
];

let work: string;
let app: FastifyInstance;
let service: RunService;
let engine: Engine;
let store: MemoryRunStore;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-malformed-http-'));
  store = new MemoryRunStore();
  const model = new MockLanguageModel({ responses: () => new Promise<string>(() => { /* never answers */ }) });
  engine = createEngine({ model, modelName: 'mock:silent', store, sandbox: new BwrapSandbox() });
  service = createRunService({ engine, store, outRoot: join(work, 'out'), resumeInterrupted: false, modelName: 'mock:silent' });
  app = createServer({ service, store, keys: null, dashboard: false, rateLimitPerMinute: 10_000 });
  await app.ready();
});
afterAll(async () => {
  await service.close();
  await app.close();
  await engine.close();
  await rm(work, { recursive: true, force: true });
});

describe('malformed HTTP requests', () => {
  test.each(CASES.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const response = await app.inject({
      method: c.method,
      url: c.url,
      ...(c.raw !== undefined
        ? { payload: c.raw.payload, headers: { 'content-type': c.raw.contentType } }
        : c.body === undefined ? {} : { payload: JSON.stringify(c.body), headers: { 'content-type': 'application/json' } }),
    });
    expect(response.statusCode, response.body).toBe(c.status);
    const body = response.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe(c.code);
    expect(body.error.message).toMatch(c.message);
    expect(response.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  });

  test('none of them started or recorded a run', async () => {
    expect(await store.listRuns({})).toEqual([]);
    expect(service.status().live).toEqual([]);
  });
});
