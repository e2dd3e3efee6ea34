import { describe, expect, test } from 'vitest';
import { comparableRecords } from '../../test/helpers/comparable-run.js';
import { clampChat, clampSpec, CLAMP_BODY } from '../../test/fixtures/orchestrate/specs.js';
import { createEngine, type Engine } from '../engine.js';
import { ModelCallError } from '../llm/model-errors.js';
import { MockLanguageModel, type MockLanguageModelOptions, type MockResponse } from '../llm/providers/mock/mock-language-model.js';
import { InProcessQueue } from '../queue/in-process-queue.js';
import { SAMPLE_JOB_PROTOCOL_VERSION, sampleJobId } from '../queue/work-queue.js';
import { BwrapSandbox } from '../sandbox/index.js';
import { MemoryRunStore } from '../store/index.js';
import type { EngineEvent } from './engine-events.js';

/** Answers by sample index, the same in every process: a red flag, an overfit body, then two correct spellings. */
const answers: NonNullable<MockLanguageModelOptions['responses']> = (options) => {
  const index = Number(options.metadata?.['sampleIndex'] ?? 0);
  if (index === 0) return 'I cannot write this function.';
  if (index === 1) return clampChat(CLAMP_BODY.overfit);
  return clampChat(index % 2 === 0 ? CLAMP_BODY.minMax : CLAMP_BODY.minMaxSpelledOut);
};

/** `answers`, but the first call of sample `index` fails with HTTP 503 (each model instance fails once). */
const failingOnce = (index: number): NonNullable<MockLanguageModelOptions['responses']> => {
  let failed = false;
  return (options, callIndex) => {
    if (!failed && Number(options.metadata?.['sampleIndex']) === index) {
      failed = true;
      return new ModelCallError({ provider: 'mock', message: 'HTTP 503 (scripted)', statusCode: 503, isRetryable: false });
    }
    return (answers as (o: typeof options, i: number) => MockResponse)(options, callIndex);
  };
};

const mockModel = (responses?: MockLanguageModelOptions['responses']) =>
  new MockLanguageModel({ ...(responses === undefined ? {} : { responses }), capabilities: { completionStyle: 'chat', honoursTemperature: true } });

describe('samples drawn by queue workers (EngineOptions.queue, Engine.work)', () => {
  test('a run whose samples go through the queue records and decides exactly what an in-process run does; the owner\'s model is never called', async () => {
    const sandbox = new BwrapSandbox();
    const local = createEngine({ model: mockModel(answers), modelName: 'mock:test', store: new MemoryRunStore(), sandbox });
    const localRun = await local.run([clampSpec()], { runId: 'run-same', k: 2, maxSamples: 8, parallelism: 2, seed: 5 });

    const queue = new InProcessQueue({ lockMs: 5_000 });
    const ownerModel = mockModel(); // unconfigured: any call fails loudly
    const ownerStore = new MemoryRunStore();
    const owner = createEngine({ model: ownerModel, modelName: 'mock:test', store: ownerStore, sandbox: new BwrapSandbox(), queue });
    const workerModel = mockModel(answers);
    const worker: Engine = createEngine({ model: workerModel, modelName: 'mock:test', store: new MemoryRunStore(), sandbox: new BwrapSandbox() });
    const stopWorker = new AbortController();
    const jobs: string[] = [];
    const working = worker.work({ queue, workerId: 'w1', concurrency: 2, signal: stopWorker.signal, onJob: (outcome) => jobs.push(`${outcome.kind}:${'jobId' in outcome ? outcome.jobId : ''}`) });
    const events: EngineEvent[] = [];
    owner.on((event) => events.push(event));
    try {
      const remoteRun = await owner.run([clampSpec()], { runId: 'run-same', k: 2, maxSamples: 8, parallelism: 2, seed: 5 });
      expect(remoteRun.results.map((result) => [result.outcome, result.classKey, result.code, result.samples, result.redFlagged, result.failedVerification, result.verified]))
        .toEqual(localRun.results.map((result) => [result.outcome, result.classKey, result.code, result.samples, result.redFlagged, result.failedVerification, result.verified]));
      expect(remoteRun.results[0]).toMatchObject({ outcome: 'consensus', redFlagsByRule: localRun.results[0]?.redFlagsByRule, failedByLayer: localRun.results[0]?.failedByLayer });
      expect(ownerModel.calls).toHaveLength(0);
      expect(workerModel.calls.length).toBe(remoteRun.results[0]?.samples);
      const ownerRecord = await ownerStore.getRun('run-same');
      expect(ownerRecord?.samples.length).toBe(remoteRun.results[0]?.samples);
      // One job per sample index, each completed once.
      expect(jobs.filter((job) => job.startsWith('completed:')).sort()).toEqual(
        Array.from({ length: remoteRun.results[0]?.samples ?? 0 }, (_, index) => `completed:${sampleJobId('run-same', 'orchestrate/clamp', index)}`).sort());
      // The owner emits the workers' sample events, so progress, metrics and the dashboard read the same stream.
      expect(events.filter((event) => event.type === 'sample-end')).toHaveLength(remoteRun.results[0]?.samples ?? -1);
      expect(events.some((event) => event.type === 'sample-red-flagged')).toBe(true);
    } finally {
      stopWorker.abort();
      await working;
      await Promise.all([owner.close(), worker.close(), local.close()]);
    }
  }, 120_000);

  test('the stored records equal an in-process run\'s, record for record; a sample drawn again after a failed call is a new job', async () => {
    const storeLocal = new MemoryRunStore();
    const local = createEngine({ model: mockModel(failingOnce(2)), modelName: 'mock:test', store: storeLocal, sandbox: new BwrapSandbox() });
    const queue = new InProcessQueue({ lockMs: 5_000 });
    const storeRemote = new MemoryRunStore();
    const owner = createEngine({ model: mockModel(), modelName: 'mock:test', store: storeRemote, sandbox: new BwrapSandbox(), queue });
    const worker = createEngine({ model: mockModel(failingOnce(2)), modelName: 'mock:test', store: new MemoryRunStore(), sandbox: new BwrapSandbox() });
    const stop = new AbortController();
    const completed: string[] = [];
    const working = worker.work({ queue, workerId: 'w1', signal: stop.signal, onJob: (outcome) => { if (outcome.kind === 'completed') completed.push(outcome.jobId); } });
    try {
      await local.run([clampSpec()], { runId: 'run-rec', k: 2, maxSamples: 8, parallelism: 1, seed: 9 });
      await owner.run([clampSpec()], { runId: 'run-rec', k: 2, maxSamples: 8, parallelism: 1, seed: 9 });
      const [a, b] = [comparableRecords(await storeLocal.getRun('run-rec')), comparableRecords(await storeRemote.getRun('run-rec'))];
      expect(b.samples.length).toBeGreaterThan(2);
      expect(b.callFailures).toMatchObject([{ sampleIndex: 2, code: 'model_call_failed', statusCode: 503 }]);
      expect(b).toEqual(a);
      // Sample 2's first draw failed; its second draw was job `...-2-1`, answered.
      expect(completed).toEqual(expect.arrayContaining([sampleJobId('run-rec', 'orchestrate/clamp', 2), sampleJobId('run-rec', 'orchestrate/clamp', 2, 1)]));
    } finally {
      stop.abort();
      await working;
      await Promise.all([owner.close(), worker.close(), local.close()]);
    }
  }, 120_000);

  test('a cost budget (maxCostUsd) counts what the workers\' calls spent: the run pauses when their priced answers reach it', async () => {
    const queue = new InProcessQueue({ lockMs: 5_000 });
    const store = new MemoryRunStore();
    const owner = createEngine({ model: mockModel(), modelName: 'mock:test', store, sandbox: new BwrapSandbox(), queue });
    // Every answer costs 0.4 USD; the budget is 1 USD: the third answer crosses it.
    const priced: NonNullable<MockLanguageModelOptions['responses']> = (options, callIndex) => {
      const text = (answers as (o: typeof options, i: number) => MockResponse)(options, callIndex) as string;
      return { text, costUsd: 0.4 };
    };
    const worker = createEngine({ model: mockModel(priced), modelName: 'mock:test', store: new MemoryRunStore(), sandbox: new BwrapSandbox() });
    const stop = new AbortController();
    const working = worker.work({ queue, workerId: 'w1', signal: stop.signal });
    try {
      const error = await owner.run([clampSpec()], { runId: 'run-budget', k: 5, maxSamples: 12, parallelism: 1, maxCostUsd: 1 }).then(() => undefined, (caught: unknown) => caught as Error);
      expect(error).toMatchObject({ code: 'run_paused' });
      expect(error?.message).toMatch(/maxCostUsd|--max-cost-usd/);
      const run = await store.getRun('run-budget');
      expect(run?.status).toBe('paused');
      expect(run?.decisions.filter((decision) => decision.outcome !== 'cancelled')).toEqual([]);
      expect(run?.samples.length).toBeLessThan(12);
      expect(run?.samples.reduce((sum, sample) => sum + (sample.costUsd ?? 0), 0)).toBeGreaterThanOrEqual(1);
    } finally {
      stop.abort();
      await working;
      await Promise.all([owner.close(), worker.close()]);
    }
  }, 120_000);

  test('a job of a run no process owns, or of another protocol version, is refused with its reason; a refusal pauses the owner\'s run', async () => {
    const queue = new InProcessQueue({ lockMs: 5_000 });
    const worker = createEngine({ model: mockModel(answers), modelName: 'mock:test', store: new MemoryRunStore(), sandbox: new BwrapSandbox() });
    const stop = new AbortController();
    const refusals: string[] = [];
    const working = worker.work({ queue, workerId: 'w1', signal: stop.signal, onJob: (outcome) => { if (outcome.kind === 'refused') refusals.push(`${outcome.code}: ${outcome.reason}`); } });
    const base = { taskId: 't', sampleIndex: 0, payload: { kind: 'code', spec: clampSpec(), seed: 1, signatureInputs: 4, advisoryTests: [], checks: { pythonTypes: true } } };
    try {
      await queue.enqueueSample({ ...base, jobId: sampleJobId('run-nobody', 't', 0), runId: 'run-nobody', protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION });
      await expect(queue.awaitSample(sampleJobId('run-nobody', 't', 0))).rejects.toMatchObject({ code: 'sample_job_refused', refusal: 'unknown_run' });
      await queue.registerRun('run-old');
      await queue.enqueueSample({ ...base, jobId: sampleJobId('run-old', 't', 0), runId: 'run-old', protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION + 1 });
      const refused = await queue.awaitSample(sampleJobId('run-old', 't', 0)).catch((error: unknown) => error as Error);
      expect(refused).toMatchObject({ code: 'sample_job_refused', refusal: 'protocol_mismatch' });
      expect(refused.message).toContain(`speaks version ${SAMPLE_JOB_PROTOCOL_VERSION}`);
      await queue.registerRun('run-bad');
      await queue.enqueueSample({ ...base, jobId: sampleJobId('run-bad', 't', 0), runId: 'run-bad', protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION, payload: { spec: { id: 't' }, seed: 1, signatureInputs: 4, advisoryTests: [] } });
      await expect(queue.awaitSample(sampleJobId('run-bad', 't', 0))).rejects.toMatchObject({ refusal: 'invalid_job' });
      // A run that verifies with other settings than the worker (pyright off there, on here).
      await queue.enqueueSample({ ...base, jobId: sampleJobId('run-bad', 't', 1), runId: 'run-bad', sampleIndex: 1, protocolVersion: SAMPLE_JOB_PROTOCOL_VERSION, payload: { ...base.payload, spec: { ...clampSpec(), id: 't' }, checks: { pythonTypes: false } } });
      const mismatch = await queue.awaitSample(sampleJobId('run-bad', 't', 1)).catch((error: unknown) => error as Error);
      expect(mismatch).toMatchObject({ refusal: 'checks_mismatch' });
      expect(mismatch.message).toContain("start the workers with the owner's verification flags");
      expect(refusals.map((line) => line.split(':')[0])).toEqual(['unknown_run', 'protocol_mismatch', 'invalid_job', 'checks_mismatch']);
    } finally {
      stop.abort();
      await working;
      await worker.close();
    }

    // An owner whose jobs are refused: the run pauses (a machinery failure, never a verdict) and resumes elsewhere.
    const store = new MemoryRunStore();
    const refusing = new InProcessQueue({ lockMs: 5_000 });
    // The store outlives the owner's engine (closing an engine closes its store), as a store file would.
    const kept = new Proxy(store, {
      get: (target, key) => {
        if (key === 'close') return () => Promise.resolve();
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const owner = createEngine({ model: mockModel(answers), modelName: 'mock:test', store: kept, sandbox: new BwrapSandbox(), queue: refusing });
    const refuser = (async () => {
      const claim = await refusing.claimJob({ workerId: 'old', waitMs: 30_000 });
      if (claim !== null) await refusing.refuseJob(claim, { code: 'protocol_mismatch', reason: 'this worker speaks version 0' });
    })();
    try {
      await expect(owner.run([clampSpec()], { runId: 'run-refused', k: 2, maxSamples: 6, parallelism: 1 })).rejects.toMatchObject({ code: 'run_paused' });
      await refuser;
      expect((await store.getRun('run-refused'))?.status).toBe('paused');
    } finally {
      await owner.close();
    }
    const local = createEngine({ model: mockModel(answers), modelName: 'mock:test', store, sandbox: new BwrapSandbox() });
    try {
      const resumed = await local.resumeRun('run-refused');
      expect(resumed.results[0]).toMatchObject({ outcome: 'consensus' });
    } finally {
      await local.close();
    }
  }, 120_000);
});
