/**
 * Cluster-wide admission (`zerr serve --redis`): two run services on one real redis-server, each with its own store
 * and a consumer of the cluster's run queue. A run started on one server waits in Redis for the first free slot of
 * any server; the runs waiting in the whole cluster are bounded; a waiting run is cancelled from any server; a run's
 * job taken again after its server stopped resumes from that server's records instead of running twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { CLAMP_BODY, clampChat, clampSpec } from '../../test/fixtures/orchestrate/specs.js';
import { createEngine } from '../engine.js';
import { createLanguageModel } from '../llm/model-uri.js';
import type { LanguageModel } from '../llm/language-model.js';
import { MockLanguageModel } from '../llm/providers/mock/mock-language-model.js';
import { BullmqRunQueue } from '../queue/redis/bullmq-run-queue.js';
import { BwrapSandbox } from '../sandbox/index.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { consumeRunJobs } from './run-job-consumer.js';
import { createRunService, type RunService } from './run-service.js';

const BUILD_FIXTURES = join(import.meta.dirname, '../../test/fixtures/build');

let redis: RedisServer;
let work: string;
beforeAll(async () => {
  redis = await startRedisServer();
  work = await mkdtemp(join(tmpdir(), 'zerr-cluster-'));
});
afterAll(async () => {
  await redis.stop();
  await rm(work, { recursive: true, force: true });
});

interface Server {
  readonly name: string;
  readonly service: RunService;
  readonly store: MemoryRunStore;
  readonly queue: BullmqRunQueue;
  /** Starts taking runs from the cluster's queue. */
  consume(): void;
  close(): Promise<void>;
}

/** A server on the cluster's queue `prefix`: its own store and engine (a mock model answering clamp, unless `model`). */
function server(name: string, prefix: string, options: { readonly maxQueuedRuns?: number; readonly model?: LanguageModel } = {}): Server {
  const model = options.model ?? new MockLanguageModel({ responses: () => clampChat(CLAMP_BODY.minMax), capabilities: { completionStyle: 'chat', honoursTemperature: true } });
  const store = new MemoryRunStore();
  const engine = createEngine({ model, modelName: 'mock:test', store, sandbox: new BwrapSandbox() });
  const queue = new BullmqRunQueue({ url: redis.url, prefix, lockMs: 5_000 });
  const service = createRunService({
    engine, store, outRoot: join(work, name), resumeInterrupted: false, maxRunningRuns: 1, cluster: queue, modelName: 'mock:test',
    ...(options.maxQueuedRuns === undefined ? {} : { maxQueuedRuns: options.maxQueuedRuns }),
  });
  const stop = new AbortController();
  let consuming: Promise<void> = Promise.resolve();
  return {
    name, service, store, queue,
    consume() { consuming = consumeRunJobs({ source: queue, service, workerId: name, signal: stop.signal, renewMs: 1_000 }); },
    async close() {
      stop.abort();
      await service.close();
      await consuming;
      await queue.close();
      await engine.close();
    },
  };
}

describe('cluster-wide admission through the run queue (RunServiceOptions.cluster)', () => {
  test('a run started on one server waits in Redis and runs on whichever server has a free slot; each server tells where it is', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}`;
    const [a, b] = [server('serve-a', prefix), server('serve-b', prefix)];
    try {
      // Nothing consumes yet: the runs wait in the cluster's queue, in order, visible from both servers.
      const first = await a.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      const second = await a.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      expect(first.queuePosition).toBe(1);
      expect(second.queuePosition).toBe(2);
      expect(await a.store.getRun(first.runId)).toBeUndefined();
      expect(await b.service.get(second.runId)).toMatchObject({ id: second.runId, kind: 'solve', status: 'queued', queuePosition: 2, live: false });
      expect((await b.service.list()).slice(0, 2).map((run) => [run.id, run.status, run.queuePosition])).toEqual([[second.runId, 'queued', 2], [first.runId, 'queued', 1]]);

      // Server b has the only consumer: it takes both runs, one slot at a time. A reader of the events on server a
      // waits while the run waits, and stops once another server took it (its events are on that server).
      const readingOnA = (async () => {
        const seen: unknown[] = [];
        for await (const entry of a.service.events(first.runId)) seen.push(entry);
        return seen;
      })();
      let readerEnded = false;
      void readingOnA.then(() => { readerEnded = true; });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(readerEnded).toBe(false);
      b.consume();
      await b.service.settled(first.runId);
      await expect.poll(async () => (await b.store.getRun(second.runId))?.status, { timeout: 30_000 }).toBe('completed');
      expect((await b.store.getRun(first.runId))?.decisions).toMatchObject([{ outcome: 'consensus' }]);
      expect(await a.store.getRun(first.runId)).toBeUndefined();
      await expect(readingOnA).resolves.toEqual([]);
      expect((await a.queue.listJobs()).map((job) => [job.runId, job.state, job.source])).toEqual([[first.runId, 'completed', 'POST /v1/runs'], [second.runId, 'completed', 'POST /v1/runs']]);
      // Server a names the server that ran it, and its result, from the queue.
      await expect.poll(async () => a.service.get(second.runId), { timeout: 15_000 })
        .toMatchObject({ id: second.runId, status: 'completed', summary: { server: 'serve-b', result: 'completed: consensus' } });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 120_000);

  test('the runs waiting in the whole cluster are bounded (run_queue_full); a waiting run is cancelled from any server', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}`;
    const [a, b] = [server('serve-a', prefix, { maxQueuedRuns: 2 }), server('serve-b', prefix, { maxQueuedRuns: 2 })];
    try {
      const first = await a.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      await b.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      // Two wait in the cluster: a third, on either server, is refused with 429 semantics.
      await expect(a.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 })).rejects.toMatchObject({ code: 'run_queue_full', retryAfterMs: expect.any(Number) });
      await expect(b.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 })).rejects.toMatchObject({ code: 'run_queue_full' });
      // A spec that does not hold is refused before anything is queued.
      await expect(a.service.startSolve({ spec: { ...clampSpec(), signature: undefined } as never })).rejects.toMatchObject({ code: expect.stringMatching(/invalid/) });

      expect(await b.service.cancel(first.runId)).toBe(true);
      expect(await a.service.get(first.runId)).toBeUndefined();
      expect(await b.service.cancel(first.runId)).toBe(false);
      // A slot in the cluster's queue is free again.
      await expect(a.service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 })).resolves.toMatchObject({ queuePosition: 2 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  test('a run\'s job taken again after its server stopped is not run twice: a finished run is left as it is', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}`;
    const a = server('serve-a', prefix);
    try {
      const { runId } = await a.service.startQueued({ kind: 'solve', spec: clampSpec() as unknown as Record<string, unknown>, k: 2, maxSamples: 4, runId: 'run-taken-twice' });
      expect(runId).toBe('run-taken-twice');
      await a.service.settled(runId);
      const samples = (await a.store.getRun(runId))?.samples.length;
      expect((await a.store.getRun(runId))?.status).toBe('completed');
      await expect(a.service.startQueued({ kind: 'solve', spec: clampSpec() as unknown as Record<string, unknown>, k: 2, maxSamples: 4, runId })).resolves.toEqual({ runId, queuePosition: null });
      await a.service.settled(runId);
      expect((await a.store.getRun(runId))?.samples.length).toBe(samples);
    } finally {
      await a.close();
    }
  }, 60_000);

  test('a build started on a server of the cluster is built by the server that takes it, into its own folder', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}`;
    const requirements = await readFile(join(BUILD_FIXTURES, 'text-stats.requirements.md'), 'utf8');
    const builder = server('serve-builds', prefix, { model: await createLanguageModel(`replay:${join(BUILD_FIXTURES, 'text-stats.replay.jsonl')}?seed=5`) });
    const { service, store, queue } = builder;
    builder.consume();
    try {
      await expect(service.startBuild({ request: { requirements: '  ' } })).rejects.toMatchObject({ code: 'invalid_argument' });
      const { runId } = await service.startBuild({ request: { requirements, name: 'text-stats' } });
      await expect.poll(async () => (await store.getRun(runId))?.status, { timeout: 240_000, interval: 500 }).toBe('completed');
      expect((await store.getRun(runId))?.kind).toBe('build');
      expect((await queue.findRun(runId))?.state).toMatch(/active|completed/);
      expect((await service.get(runId))?.report).not.toBeNull();
    } finally {
      await builder.close();
    }
  }, 300_000);
});
