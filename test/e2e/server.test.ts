/**
 * End-to-end tests of the HTTP API as clients use it: real HTTP on 127.0.0.1, the Fastify app on a run service, a
 * real SQLite store, real bubblewrap and git, the replay provider on the hand-written build script
 * (test/fixtures/build). One session's requests are written to test-results/server-transcript.txt.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, createLanguageModel, createMetrics, createRunService, SqliteRunStore, BwrapSandbox, type Engine, type EngineMetrics, type RunService } from '../../src/index.js';
import { ApiKeyStore, createServer } from '../../src/server/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const MODEL_REPLAY = `replay:${join(FIXTURES, 'text-stats.replay.jsonl')}?seed=5`;
const TRANSCRIPT = join(ROOT, 'test-results', 'server-transcript.txt');

/** A response body as `JSON.parse` gives it; the assertions check its shape. */
type Json = ReturnType<typeof JSON.parse>;

interface Stack { engine: Engine; store: SqliteRunStore; service: RunService; app: FastifyInstance; base: string; metrics: EngineMetrics }

let work: string;
let keys: ApiKeyStore;
let key: string;
let requirements: string;
const transcript: string[] = [];

async function start(options: { rateLimitPerMinute?: number } = {}): Promise<Stack> {
  const store = await SqliteRunStore.open({ path: join(work, 'runs.sqlite') });
  const engine = createEngine({ model: await createLanguageModel(MODEL_REPLAY), modelName: MODEL_REPLAY, store, sandbox: new BwrapSandbox() });
  const metrics = createMetrics({ defaultMetrics: false });
  engine.on(metrics.onEvent);
  const service = createRunService({ engine, store, outRoot: join(work, 'builds') });
  const app = createServer({ service, store, metrics, keys, bodyLimitBytes: 64 * 1024, heartbeatMs: 200, ...options });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { engine, store, service, app, base, metrics };
}
async function stop(stack: Stack): Promise<void> {
  await stack.service.close();
  await stack.app.close();
  await stack.engine.close();
}

/** One request; logged curl-style into the transcript. */
async function call(stack: Stack, method: string, path: string, options: { body?: unknown; raw?: string; auth?: string | null; headers?: Record<string, string> } = {}): Promise<{ status: number; json: Json; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth === undefined ? key : options.auth;
  if (auth !== null) headers['authorization'] = `Bearer ${auth}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  transcript.push(`$ curl -X ${method} ${path}${auth === null ? '' : ' -H "Authorization: Bearer zerr_…"'}${body === undefined ? '' : ` -d '${body.length > 120 ? `${body.slice(0, 117)}...` : body}'`}\n< HTTP ${response.status} ${response.headers.get('content-type') ?? ''}\n${text.slice(0, 300)}${text.length > 300 ? ' …' : ''}\n`);
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, json, text, headers: response.headers };
}

interface SseEvent { id: number; event: string; data: Json }
/** Reads SSE events until `until` says stop or the stream ends. */
async function readEvents(stack: Stack, runId: string, options: { lastEventId?: number; until?: (event: SseEvent) => boolean } = {}): Promise<{ events: SseEvent[]; heartbeats: number; ended: boolean }> {
  const controller = new AbortController();
  const response = await fetch(`${stack.base}/v1/runs/${runId}/events`, {
    headers: { authorization: `Bearer ${key}`, ...(options.lastEventId === undefined ? {} : { 'last-event-id': String(options.lastEventId) }) }, signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  let heartbeats = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { events, heartbeats, ended: true };
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (block === ': heartbeat') heartbeats += 1;
      const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      if (fields['id'] === undefined) continue;
      const event = { id: Number(fields['id']), event: String(fields['event']), data: JSON.parse(String(fields['data'])) };
      events.push(event);
      if (options.until?.(event) === true) {
        controller.abort();
        await reader.cancel().catch(() => undefined);
        return { events, heartbeats, ended: false };
      }
    }
  }
}

async function waitForStatus(stack: Stack, runId: string, wanted: string, timeoutMs = 240_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${stack.base}/v1/runs/${runId}`, { headers: { authorization: `Bearer ${key}` } });
    const view = await response.json() as { status: string; live: boolean };
    if (view.status === wanted && !view.live) return view;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${view.status}`);
    await new Promise((done) => setTimeout(done, 500));
  }
}

let stack: Stack;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-server-e2e-'));
  keys = new ApiKeyStore(join(work, 'api-keys.json'));
  ({ key } = await keys.create('e2e'));
  requirements = await readFile(join(FIXTURES, 'text-stats.requirements.md'), 'utf8');
  stack = await start();
});
afterAll(async () => {
  await stop(stack);
  await mkdir(join(ROOT, 'test-results'), { recursive: true });
  await writeFile(TRANSCRIPT, `# zerr HTTP API session (test/e2e/server.test.ts, ${new Date().toISOString()})\n\n${transcript.join('\n')}`);
  await rm(work, { recursive: true, force: true });
});

describe('zerr HTTP API', () => {
  it('guards /v1 with API keys, keeps health, readiness, metrics and the OpenAPI document public, and answers errors as JSON', async () => {
    expect(await call(stack, 'GET', '/health', { auth: null })).toMatchObject({ status: 200, json: { status: 'ok' } });
    const ready = await call(stack, 'GET', '/ready', { auth: null });
    expect(ready).toMatchObject({ status: 200, json: { status: 'ready', checks: { store: { ok: true }, service: { ok: true } } } });
    const noKey = await call(stack, 'GET', '/v1/runs', { auth: null });
    expect(noKey).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    expect((await call(stack, 'GET', '/v1/runs', { auth: `${key}x` })).json).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await call(stack, 'GET', '/status', { auth: null })).status).toBe(401);
    expect(await call(stack, 'GET', '/v1/runs')).toMatchObject({ status: 200, json: { runs: [] } });

    expect(await call(stack, 'GET', '/v1/runs/run-nope')).toMatchObject({ status: 404, json: { error: { code: 'run_not_found', message: expect.any(String) } } });
    expect(await call(stack, 'GET', '/v1/nothing')).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    const bad = await call(stack, 'POST', '/v1/runs', { body: { kind: 'build', requirements: 'x', options: { maxLines: -1 } } });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'invalid_argument' } } });
    expect(bad.json.error.message).toContain('body.options.maxLines');
    expect((await call(stack, 'POST', '/v1/runs', { body: { kind: 'deploy' } })).json.error.code).toBe('invalid_argument');
    expect(await call(stack, 'POST', '/v1/runs', { raw: '{"kind":' })).toMatchObject({ status: 400, json: { error: { code: 'invalid_json' } } });
    expect(await call(stack, 'POST', '/v1/runs', { body: { kind: 'build', requirements: 'x'.repeat(70 * 1024) } })).toMatchObject({ status: 413, json: { error: { code: 'payload_too_large' } } });
    expect(await call(stack, 'GET', '/v1/escalations?status=closed')).toMatchObject({ status: 400, json: { error: { code: 'invalid_argument' } } });
    expect(await call(stack, 'POST', '/v1/runs/run-nope/escalations/esc-1/answer', { body: { code: 'export function f() {}' } })).toMatchObject({ status: 404, json: { error: { code: 'run_not_found' } } });
    expect(await call(stack, 'POST', '/v1/runs/run-nope/cancel')).toMatchObject({ status: 404, json: { error: { code: 'run_not_found' } } });

    const openapi = await call(stack, 'GET', '/openapi.json', { auth: null });
    expect(openapi.json.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json.paths)).toEqual(expect.arrayContaining([
      '/v1/runs', '/v1/runs/{id}', '/v1/runs/{id}/events', '/v1/runs/{id}/cancel', '/v1/escalations', '/v1/runs/{id}/escalations/{escalationId}/answer',
      '/build', '/status', '/health', '/ready', '/metrics', '/openapi.json',
    ]));
    const createBody = openapi.json.paths['/v1/runs'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(createBody)).toContain('"requirements"');
    expect(JSON.stringify(createBody)).toContain('"entryPoint"');
  });

  it('rate-limits per key with 429 rate_limited', async () => {
    const limited = createServer({ service: stack.service, store: stack.store, keys, rateLimitPerMinute: 2, dashboard: false });
    const base = await limited.listen({ port: 0, host: '127.0.0.1' });
    try {
      const get = () => fetch(`${base}/v1/runs?limit=1`, { headers: { authorization: `Bearer ${key}` } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(await third.json()).toMatchObject({ error: { code: 'rate_limited' } });
      expect(third.headers.get('retry-after')).not.toBeNull();
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('runs a build: 202, resumable event stream without duplicates, metrics during the run, status until completed', async () => {
    const created = await call(stack, 'POST', '/v1/runs', { body: { kind: 'build', requirements, options: { name: 'text-stats' } } });
    expect(created.status).toBe(202);
    const { runId } = created.json as { runId: string };
    expect(created.json.links.events).toBe(`/v1/runs/${runId}/events`);
    expect(created.headers.get('location')).toBe(`/v1/runs/${runId}`);

    const first = await readEvents(stack, runId, { until: (event) => event.event === 'nodes-created' });
    expect(first.events.map((event) => event.id)).toEqual(first.events.map((_, index) => index + 1));
    expect(first.events[0]).toMatchObject({ event: 'run-start', data: { runId } });
    const metrics = await call(stack, 'GET', '/metrics', { auth: null });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('tasks_total');
    expect(metrics.text).toContain('samples_total');
    const live = await call(stack, 'GET', '/status');
    expect(live.json.live).toContain(runId);

    const lastId = first.events.at(-1)?.id ?? 0;
    const rest = await readEvents(stack, runId, { lastEventId: lastId });
    expect(rest.ended).toBe(true);
    expect(rest.events[0]?.id).toBe(lastId + 1);
    expect(rest.events.map((event) => event.id)).toEqual(rest.events.map((_, index) => lastId + 1 + index));
    expect(rest.events.at(-1)).toMatchObject({ event: 'run-end', data: { status: 'completed' } });
    // Heartbeat comments were interleaved (every 200 ms in this test; 15 s by default).
    expect(rest.heartbeats).toBeGreaterThan(0);

    const done = await waitForStatus(stack, runId, 'completed');
    expect(done.report).toMatchObject({ status: 'completed', integration: { passed: true } });
    expect(done.dag.nodes.map((node: { state: string }) => node.state)).toEqual(['settled', 'settled', 'settled', 'settled']);
    // After the end, ?lastEventId= replays the tail and the stream ends at run-end.
    const tail = await fetch(`${stack.base}/v1/runs/${runId}/events?lastEventId=${(rest.events.at(-1)?.id ?? 1) - 1}&access_token=${key}`);
    expect((await tail.text()).match(/^event: /gm)).toEqual(['event: ']);
    expect((await call(stack, 'GET', '/status')).json).toMatchObject({ status: 'ok', live: [] });
    expect((await call(stack, 'GET', `/v1/escalations?runId=${runId}`)).json).toEqual({ escalations: [] });
    expect(await call(stack, 'POST', `/v1/runs/${runId}/cancel`)).toMatchObject({ status: 409, json: { error: { code: 'run_not_live' } } });
  }, 300_000);

  it('cancels a build (it pauses), and after a server restart a build left running is visible and resumed to completion', async () => {
    const created = await call(stack, 'POST', '/build', { body: { requirements, options: { name: 'text-stats' } } });
    expect(created.status).toBe(202);
    const { runId } = created.json as { runId: string };
    await readEvents(stack, runId, { until: (event) => event.event === 'nodes-created' });
    expect(await call(stack, 'POST', `/v1/runs/${runId}/cancel`)).toMatchObject({ status: 202, json: { runId, cancelled: true } });
    const paused = await waitForStatus(stack, runId, 'paused');
    expect(paused.report).toMatchObject({ status: 'paused' });
    expect(paused.report.reason).toContain('cancelled by request');

    // A killed server leaves its build `running`; a new server on the same store resumes it.
    await stack.store.reopenRun(runId);
    await stop(stack);
    stack = await start();
    expect(await stack.service.resumedInterrupted).toEqual([runId]);
    const listed = await call(stack, 'GET', '/v1/runs');
    expect(listed.json.runs.map((run: { id: string }) => run.id)).toContain(runId);
    const events = await readEvents(stack, runId);
    expect(events.events[0]).toMatchObject({ id: 1, event: 'run-start' });
    expect(events.events.at(-1)).toMatchObject({ event: 'run-end', data: { status: 'completed' } });
    const done = await waitForStatus(stack, runId, 'completed');
    expect(done.report.totals.timing.sessions).toBe(2);
  }, 300_000);
});
