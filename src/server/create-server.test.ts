/**
 * The HTTP edge's limits, in process (Fastify `inject`, which sets the client address per request): cheap failed
 * authentication limited per client IP, admission control (queue positions, 429 `run_queue_full` with
 * `Retry-After`), body depth and size limits, the task-detail route and the OpenAPI document. Runs go through the
 * real run service and engine on a scriptable model that answers only when told (so runs stay live as long as a
 * test needs them) and the real bubblewrap sandbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clampSpec } from '../../test/fixtures/orchestrate/specs.js';
import { BwrapSandbox, createEngine, createRunService, MemoryRunStore, MockLanguageModel, type Engine, type RunService } from '../index.js';
import { ApiKeyStore } from './api-keys.js';
import { createServer } from './create-server.js';

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'zerr-server-limits-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

interface Harness { app: FastifyInstance; service: RunService; engine: Engine; store: MemoryRunStore }

/** A server whose model never answers (runs stay live until cancelled). */
async function harness(options: { maxRunningRuns?: number; maxQueuedRuns?: number; keys?: ApiKeyStore | null; authFailuresPerMinute?: number; bodyLimitBytes?: number } = {}): Promise<Harness> {
  const store = new MemoryRunStore();
  const model = new MockLanguageModel({ responses: (_call, _index) => new Promise<string>(() => { /* never answers */ }) });
  const engine = createEngine({ model, modelName: 'mock:silent', store, sandbox: new BwrapSandbox() });
  const service = createRunService({
    engine, store, outRoot: join(work, 'out'), resumeInterrupted: false, modelName: 'mock:silent',
    ...(options.maxRunningRuns === undefined ? {} : { maxRunningRuns: options.maxRunningRuns }),
    ...(options.maxQueuedRuns === undefined ? {} : { maxQueuedRuns: options.maxQueuedRuns }),
  });
  const app = createServer({
    service, store, keys: options.keys ?? null, dashboard: false, rateLimitPerMinute: 10_000,
    ...(options.authFailuresPerMinute === undefined ? {} : { authFailuresPerMinute: options.authFailuresPerMinute }),
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
  });
  await app.ready();
  return { app, service, engine, store };
}

async function close(h: Harness): Promise<void> {
  await h.service.close();
  await h.app.close();
  await h.engine.close();
}

const solveBody = { kind: 'solve', spec: clampSpec(), k: 2, maxSamples: 4 };

describe('createServer: admission control', () => {
  test('runs beyond the slots wait with their queue position; beyond the queue 429 run_queue_full with Retry-After; a freed slot starts the next', async () => {
    const h = await harness({ maxRunningRuns: 1, maxQueuedRuns: 1 });
    try {
      const post = () => h.app.inject({ method: 'POST', url: '/v1/runs', payload: solveBody });
      const first = await post();
      expect(first.statusCode).toBe(202);
      expect(first.json()).toMatchObject({ status: 'running', queuePosition: null });
      const second = await post();
      expect(second.statusCode).toBe(202);
      expect(second.json()).toMatchObject({ status: 'queued', queuePosition: 1 });
      const secondId = (second.json() as { runId: string }).runId;
      const waiting = await h.app.inject({ method: 'GET', url: `/v1/runs/${secondId}` });
      expect(waiting.json()).toMatchObject({ id: secondId, kind: 'solve', status: 'queued', queuePosition: 1, live: false, model: 'mock:silent', tasks: [] });
      expect((await h.app.inject({ method: 'GET', url: '/v1/runs' })).json().runs[0]).toMatchObject({ id: secondId, status: 'queued', queuePosition: 1 });

      const refused = await post();
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: { code: 'run_queue_full' } });
      expect(refused.json().error.message).toContain('1 run(s) running and 1 waiting');
      expect(refused.headers['retry-after']).toBe('60');
      // Nothing was recorded for the refused run.
      expect((await h.store.listRuns()).length).toBe(1);
      const status = (await h.app.inject({ method: 'GET', url: '/status' })).json();
      expect(status).toMatchObject({ queued: [secondId], limits: { maxRunningRuns: 1, maxQueuedRuns: 1 } });

      // The first run ends: the second takes its slot and is recorded.
      const firstId = (first.json() as { runId: string }).runId;
      expect((await h.app.inject({ method: 'POST', url: `/v1/runs/${firstId}/cancel` })).statusCode).toBe(202);
      await h.service.settled(firstId);
      await expect.poll(async () => (await h.app.inject({ method: 'GET', url: `/v1/runs/${secondId}` })).json(), { timeout: 10_000 })
        .toMatchObject({ status: 'running', queuePosition: null, live: true });
      expect((await h.store.getRun(secondId))?.kind).toBe('solve');

      // A queued run can be cancelled before it starts.
      const third = await post();
      expect(third.json()).toMatchObject({ status: 'queued', queuePosition: 1 });
      const thirdId = (third.json() as { runId: string }).runId;
      expect((await h.app.inject({ method: 'POST', url: `/v1/runs/${thirdId}/cancel` })).json()).toEqual({ runId: thirdId, cancelled: true });
      expect((await h.app.inject({ method: 'GET', url: `/v1/runs/${thirdId}` })).json()).toMatchObject({ status: 'cancelled', queuePosition: null, summary: { error: expect.stringContaining('before it started') } });
      expect(await h.store.getRun(thirdId)).toBeUndefined();
    } finally {
      await close(h);
    }
  }, 60_000);
});

describe('createServer: failed authentication', () => {
  test('200 clients sending bad keys cost no hashing; a client past its failure limit gets 429 auth_rate_limited; a cached valid key still passes', async () => {
    const keys = new ApiKeyStore(join(work, 'flood-keys.json'));
    const { key, record } = await keys.create('alice');
    const h = await harness({ keys, authFailuresPerMinute: 3 });
    try {
      const get = (ip: string, token: string) => h.app.inject({ method: 'GET', url: '/v1/runs?limit=1', remoteAddress: ip, headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let client = 0; client < 200; client++) {
        for (const token of [`zerr_${client.toString(16).padStart(12, '0')}_${'x'.repeat(32)}`, 'not-a-key']) statuses.push((await get(`10.1.${client >> 8}.${client & 255}`, token)).statusCode);
      }
      expect(new Set(statuses)).toEqual(new Set([401]));
      expect(keys.hashCount).toBe(0);

      // One client guessing secrets of a real id: hashed, refused, and blocked after 3 failures.
      const guesses: number[] = [];
      for (let i = 0; i < 5; i++) guesses.push((await get('10.9.9.9', `zerr_${record.id}_${String(i).repeat(32)}`)).statusCode);
      expect(guesses).toEqual([401, 401, 401, 429, 429]);
      expect(keys.hashCount).toBe(3);
      const blocked = await get('10.9.9.9', `zerr_${record.id}_${'7'.repeat(32)}`);
      expect(blocked.json()).toMatchObject({ error: { code: 'auth_rate_limited', message: expect.stringContaining('10.9.9.9') } });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      // A valid key not yet verified is refused from the blocked client (it would need hashing) ...
      expect((await get('10.9.9.9', key)).statusCode).toBe(429);
      // ... but once verified from elsewhere it is accepted from the cache, also from the blocked client, also after
      // the cache's one-second window (answered without hashing once the file was checked again).
      expect((await get('10.2.2.2', key)).statusCode).toBe(200);
      expect((await get('10.9.9.9', key)).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await get('10.9.9.9', key)).statusCode).toBe(200);
      expect(keys.hashCount).toBe(4);
      // Without a key: 401 as before, and it does not count as a failed guess.
      expect((await h.app.inject({ method: 'GET', url: '/v1/runs', remoteAddress: '10.3.3.3' })).json()).toMatchObject({ error: { code: 'unauthorized' } });
    } finally {
      await close(h);
    }
  });
});

describe('createServer: request bodies', () => {
  test('a body nested 100,000 deep is 400 body_too_deep; too large is 413; poisoned or broken JSON is 400', async () => {
    const h = await harness({ bodyLimitBytes: 512 * 1024 });
    try {
      const post = (payload: string, url = '/v1/runs') => h.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
      const deepArray = await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
      expect(deepArray.statusCode).toBe(400);
      expect(deepArray.json()).toEqual({ error: { code: 'body_too_deep', message: expect.stringContaining('deeper than 100 levels') } });
      const deepSpec = await post(`{"kind":"solve","spec":{"testCases":[{"inputs":[1],"expected":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}}`);
      expect(deepSpec.json()).toMatchObject({ error: { code: 'body_too_deep' } });
      const deepAnswer = await post(`{"code":${'['.repeat(200)}${']'.repeat(200)}}`, '/v1/runs/run-x/escalations/esc-1/answer');
      expect(deepAnswer.statusCode).toBe(400);
      // At the limit the body is parsed and judged by the schema as usual.
      const atLimit = await post(`{"kind":"build","requirements":"x","options":{"name":${'['.repeat(98)}${']'.repeat(98)}}}`);
      expect(atLimit.json()).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringContaining('body.options.name') } });
      expect((await post(`{"kind":"build","requirements":"${'x'.repeat(600 * 1024)}"}`)).json()).toMatchObject({ error: { code: 'payload_too_large' } });
      expect((await post('{"kind":"build","requirements":"x","__proto__":{"polluted":1}}')).json()).toMatchObject({ error: { code: 'invalid_json' } });
      expect((await post('{"kind":')).json()).toMatchObject({ error: { code: 'invalid_json' } });
      expect((await post('')).statusCode).toBe(400);
    } finally {
      await close(h);
    }
  });
});

describe('createServer: task detail and OpenAPI', () => {
  test('GET /v1/runs/:id/tasks/:taskId gives every sample with its red flags and layer reasons and the decision; ids with / work encoded', async () => {
    const h = await harness();
    try {
      const runId = 'run-detail';
      await h.store.createRun({ id: runId, kind: 'solve', model: 'mock:x', config: { k: 3 }, createdAt: 1 });
      for (const taskId of ['clamp', 'clamp/retry-1']) {
        await h.store.recordTask(runId, { taskId, spec: {} });
        for (const sampleIndex of [0, 1, 2]) {
          await h.store.recordSample(runId, {
            taskId, sampleIndex, model: 'mock:x', temperature: 0.5, promptVariant: 'plain', text: 't', code: `// ${sampleIndex}`, inputTokens: 1, outputTokens: 2, latencyMs: 3, finishReason: 'stop', costUsd: null, createdAt: 1,
          });
        }
      }
      await h.store.recordRedFlag(runId, { taskId: 'clamp', sampleIndex: 0, rule: 'no-code', reason: 'no code block' });
      await h.store.recordLayerResult(runId, { taskId: 'clamp', sampleIndex: 1, layer: 'syntax', status: 'pass', reason: '', durationMs: 1, details: null });
      await h.store.recordLayerResult(runId, { taskId: 'clamp', sampleIndex: 1, layer: 'contracts', status: 'fail', reason: 'postcondition failed on [3, 0, 1]', durationMs: 2, details: null });
      await h.store.recordLayerResult(runId, { taskId: 'clamp', sampleIndex: 2, layer: 'unit-tests', status: 'pass', reason: '', durationMs: 1, details: null });
      await h.store.recordVote(runId, { taskId: 'clamp', sampleIndex: 2, classKey: 'k1', signature: '[]' });
      await h.store.recordDecision(runId, { taskId: 'clamp', outcome: 'best-partial', classKey: 'k1', code: '// 2', votes: 1, runnerUpVotes: 0, samples: 3, k: 3, reason: 'no class led by 3', decidedAt: 2 });

      const detail = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/tasks/clamp` });
      expect(detail.statusCode).toBe(200);
      expect(detail.json()).toMatchObject({
        runId, taskId: 'clamp', k: 3, node: null, decision: { outcome: 'best-partial', code: '// 2', k: 3 },
        samples: [
          { sampleIndex: 0, outcome: 'red-flagged', redFlags: [{ rule: 'no-code', reason: 'no code block' }], failedLayer: null, code: '// 0' },
          { sampleIndex: 1, outcome: 'rejected', failedLayer: { layer: 'contracts', reason: 'postcondition failed on [3, 0, 1]' }, layers: [{ layer: 'syntax', status: 'pass' }, { layer: 'contracts', status: 'fail' }] },
          { sampleIndex: 2, outcome: 'voted', classKey: 'k1' },
        ],
      });
      const retry = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/tasks/${encodeURIComponent('clamp/retry-1')}` });
      expect(retry.json()).toMatchObject({ taskId: 'clamp/retry-1', k: 3, decision: null, samples: [{ outcome: 'pending' }, { outcome: 'pending' }, { outcome: 'pending' }] });
      expect((await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/tasks/nope` })).json()).toMatchObject({ error: { code: 'task_not_found' } });
      expect((await h.app.inject({ method: 'GET', url: '/v1/runs/run-none/tasks/clamp' })).json()).toMatchObject({ error: { code: 'run_not_found' } });
      // The run view carries each task's k, and what each model answered (one model here: six samples).
      const view = (await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}` })).json();
      expect(view.tasks.map((task: { k: number }) => task.k)).toEqual([3, 3]);
      expect(view.models).toEqual([{ model: 'mock:x', samples: 6, inputTokens: 6, outputTokens: 12, costUsd: 0 }]);
      // One model and no route: /v1/models says so.
      expect((await h.app.inject({ method: 'GET', url: '/v1/models' })).json()).toEqual({ route: null, models: [] });

      const openapi = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(openapi.paths['/v1/runs/{id}/tasks/{taskId}'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'taskId']);
      const create = openapi.paths['/v1/runs'].post.responses;
      expect(create['429'].description).toContain('run_queue_full');
      expect(create['429'].headers['Retry-After']).toBeDefined();
      expect(create['400'].description).toContain('body_too_deep');
      expect(JSON.stringify(create['202'])).toContain('queuePosition');
      expect(openapi.paths['/v1/models'].get.summary).toContain('circuit breaker');
    } finally {
      await close(h);
    }
  });

  test('GET /v1/models gives the route\'s per-model counts, behind the API key', async () => {
    const keys = new ApiKeyStore(join(work, 'models-keys.json'));
    const { key } = await keys.create('ops');
    const store = new MemoryRunStore();
    const engine = createEngine({ model: new MockLanguageModel({ responses: 'x' }), modelName: 'route:coder', store, sandbox: new BwrapSandbox() });
    const service = createRunService({ engine, store, outRoot: join(work, 'out-models'), resumeInterrupted: false, modelName: 'route:coder' });
    const stats = [{ name: 'cloud', modelId: 'gpt', role: 'mix' as const, weight: 1, calls: 3, answered: 2, failed: { model_call_failed: 1 }, handedOver: 0, circuitBreaker: 'CLOSED' as const }];
    const app = createServer({ service, store, keys, dashboard: false, models: () => ({ route: 'coder', models: stats }) });
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(401);
      const answer = await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${key}` } });
      expect(answer.json()).toEqual({ route: 'coder', models: stats });
    } finally {
      await service.close();
      await app.close();
      await engine.close();
    }
  });
});
