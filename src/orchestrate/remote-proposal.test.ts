import { describe, expect, test } from 'vitest';
import { comparableRecords } from '../../test/helpers/comparable-run.js';
import { decomposerVariables } from '../decompose/archetypes/decomposer.js';
import { ARCHETYPES } from '../decompose/archetypes/registry.js';
import { proposalCall, type ProposalCall } from '../decompose/proposal-draw.js';
import { answer, baseProposal, cyclicProposal, renamed } from '../decompose/testing/proposals.js';
import { createEngine } from '../engine.js';
import type { GenerateOptions } from '../llm/language-model.js';
import { ModelCallError } from '../llm/model-errors.js';
import { MockLanguageModel, type MockResponse } from '../llm/providers/mock/mock-language-model.js';
import { InProcessQueue } from '../queue/in-process-queue.js';
import { sampleJobId, type JsonObject } from '../queue/work-queue.js';
import { BwrapSandbox } from '../sandbox/index.js';
import { MemoryRunStore } from '../store/index.js';
import type { SampleJobOutcome } from './sample-worker.js';
import { executeProposalJob, proposalDrawOf, queueProposalDrawer } from './remote-proposal.js';

const REQUIREMENTS = 'A calculator for arithmetic expressions.';
const VARIABLES = decomposerVariables({ requirements: REQUIREMENTS, language: 'typescript', limits: { maxLines: 10, maxComplexity: 3 }, maxSubtasks: 5 });

/**
 * The decomposer's answers by sample index, the same in every process: a cyclic plan (red-flagged), a call that fails
 * once with HTTP 500 and is answered when drawn again, then two spellings of one plan. Each model instance fails once.
 */
function decomposerAnswers(options: { readonly dropPrefix?: string } = {}): (call: Omit<GenerateOptions, 'signal'>) => MockResponse {
  const failed = new Set<number>();
  const text = (json: string) => (options.dropPrefix !== undefined && json.startsWith(options.dropPrefix) ? json.slice(options.dropPrefix.length) : json);
  return (call) => {
    const index = Number(call.metadata?.['sampleIndex']);
    if (index === 0) return text(answer(cyclicProposal()));
    if (index === 1 && !failed.has(1)) {
      failed.add(1);
      return new ModelCallError({ provider: 'mock', message: 'HTTP 500 (scripted)', statusCode: 500, isRetryable: false });
    }
    if (index === 1) return text(answer(baseProposal()));
    return text(answer(renamed(baseProposal(), index)));
  };
}

/** A worker engine taking jobs from `queue` until the returned stop is called. */
function startWorker(queue: InProcessQueue, model: MockLanguageModel, options: { readonly modelFor?: Record<string, MockLanguageModel> } = {}) {
  const outcomes: SampleJobOutcome[] = [];
  const engine = createEngine({
    model, modelName: 'mock:worker', store: new MemoryRunStore(), sandbox: new BwrapSandbox(),
    ...(options.modelFor === undefined ? {} : { archetypeModels: Object.fromEntries(Object.entries(options.modelFor).map(([name, each]) => [name, { model: each, name: `mock:${name}` }])) }),
  });
  const stop = new AbortController();
  const working = engine.work({ queue, workerId: 'w1', concurrency: 2, signal: stop.signal, onJob: (outcome) => outcomes.push(outcome) });
  return {
    outcomes,
    async stop() {
      stop.abort();
      await working;
      await engine.close();
    },
  };
}

describe('proposal samples drawn by queue workers (remote-proposal.ts)', () => {
  test('a decomposition voted on a queue records and decides exactly what an in-process one does; the worker draws, the owner never calls its model', async () => {
    const localStore = new MemoryRunStore();
    const local = createEngine({ model: new MockLanguageModel({ responses: decomposerAnswers() }), modelName: 'mock:test', store: localStore, sandbox: new BwrapSandbox() });
    const localResult = await local.decompose(REQUIREMENTS, { runId: 'run-decompose', k: 2, maxSamples: 6 });

    const queue = new InProcessQueue({ lockMs: 5_000 });
    const ownerModel = new MockLanguageModel({}); // unconfigured: a call here would fail loudly
    const ownerStore = new MemoryRunStore();
    const owner = createEngine({ model: ownerModel, modelName: 'mock:test', store: ownerStore, sandbox: new BwrapSandbox(), queue });
    const workerModel = new MockLanguageModel({ responses: decomposerAnswers() });
    const worker = startWorker(queue, workerModel);
    try {
      const remoteResult = await owner.decompose(REQUIREMENTS, { runId: 'run-decompose', k: 2, maxSamples: 6 });
      expect(localResult).toMatchObject({ outcome: 'consensus', samples: 3, redFlagsByRule: { cycle: 1 } });
      expect(remoteResult).toEqual(localResult);
      expect(comparableRecords(await ownerStore.getRun('run-decompose'))).toEqual(comparableRecords(await localStore.getRun('run-decompose')));
      expect((await ownerStore.getRun('run-decompose'))?.callFailures).toMatchObject([{ sampleIndex: 1, code: 'model_call_failed', statusCode: 500 }]);
      expect(ownerModel.calls).toHaveLength(0);
      // 3 answers and the failed call: every one of them the worker's.
      expect(workerModel.calls).toHaveLength(4);
      const completed = worker.outcomes.filter((outcome) => outcome.kind === 'completed').map((outcome) => (outcome as { verdict: string }).verdict);
      expect(completed.filter((verdict) => verdict.startsWith('answer ('))).toHaveLength(3);
      expect(completed).toContain('call failed (model_call_failed)');
    } finally {
      await worker.stop();
      await owner.close();
      await local.close();
    }
  }, 60_000);

  test('a continuation worker\'s text is read after the call\'s own prefix; a worker that enforces the schema answers whole; each archetype is drawn with the worker\'s model for it', async () => {
    const queue = new InProcessQueue({ lockMs: 5_000 });
    const store = new MemoryRunStore();
    const owner = createEngine({ model: new MockLanguageModel({}), modelName: 'mock:test', store, sandbox: new BwrapSandbox(), queue });
    const coderModel = new MockLanguageModel({}); // the worker's one model: not the decomposer's
    const continuation = new MockLanguageModel({ responses: decomposerAnswers({ dropPrefix: '{' }), capabilities: { completionStyle: 'continuation' } });
    const worker = startWorker(queue, coderModel, { modelFor: { decomposer: continuation } });
    try {
      const result = await owner.decompose(REQUIREMENTS, { runId: 'run-continued', k: 2, maxSamples: 6 });
      expect(result).toMatchObject({ outcome: 'consensus', samples: 3 });
      expect(coderModel.calls).toHaveLength(0);
      expect(continuation.calls.every((call) => call.prompt?.endsWith('{') === true && call.messages === undefined && call.jsonSchema === undefined)).toBe(true);
      const run = await store.getRun('run-continued');
      // The recorded text is the model's own (without the prefix); the recorded code the whole, checked answer.
      expect(run?.samples.find((sample) => sample.sampleIndex === 1)?.text.startsWith('\n')).toBe(true);
      expect(run?.samples.find((sample) => sample.sampleIndex === 1)?.code).toContain('"subtasks"');
    } finally {
      await worker.stop();
      await owner.close();
    }

    // A model that enforces the JSON Schema gets the structured prompt and the schema; its text is the whole answer.
    const structured = new MockLanguageModel({ responses: answer(baseProposal()), capabilities: { completionStyle: 'continuation', jsonSchema: true, honoursTemperature: true } });
    const call = proposalCall({ runId: 'run-x', taskId: 'decompose:root', sampleIndex: 3, archetype: ARCHETYPES.decomposer, variables: VARIABLES, maxOutputTokens: 2_000, seed: 7 });
    const job = { jobId: 'j', runId: 'run-x', taskId: 'decompose:root', sampleIndex: 3, protocolVersion: 2, attempt: 1, lockMs: 1_000, payload: { kind: 'proposal', call } as unknown as JsonObject };
    const report = await executeProposalJob({ modelFor: () => structured, workerId: 'w' }, job);
    expect(structured.calls[0]).toMatchObject({ prompt: call.structuredPrompt, jsonSchema: call.jsonSchema, temperature: call.temperature, seed: 10 });
    expect(report).toMatchObject({ kind: 'proposal', style: 'continuation', structured: true, draw: { kind: 'answer', temperature: call.temperature } });
    expect(proposalDrawOf(call, report)).toMatchObject({ kind: 'answer', answer: answer(baseProposal()), promptVariant: call.promptVariant });
  }, 60_000);

  test('a report that does not hold is refused naming the field, never read as an answer', () => {
    const call: ProposalCall = proposalCall({ runId: 'r', taskId: 'decompose:root', sampleIndex: 1, archetype: ARCHETYPES.decomposer, variables: VARIABLES, maxOutputTokens: 100, seed: 1 });
    const good = {
      kind: 'proposal', workerId: 'w', style: 'chat', structured: false,
      draw: { kind: 'answer', text: '{}', modelId: 'm', finishReason: 'stop', inputTokens: 1, outputTokens: 1, latencyMs: 1, costUsd: null, attempts: 1, temperature: null },
    };
    expect(proposalDrawOf(call, good)).toMatchObject({ kind: 'answer', answer: '{}' });
    const cases: [unknown, RegExp][] = [
      [{ ...good, draw: { ...good.draw, temperature: call.temperature + 0.5 } }, /report\.draw\.temperature/],
      [{ ...good, draw: { ...good.draw, costUsd: -5 } }, /report\.draw\.costUsd/],
      [{ ...good, draw: { ...good.draw, finishReason: 'done' } }, /report\.draw\.finishReason/],
      [{ ...good, continuationPrefix: '{"subtasks":[]}' }, /report/],
      [{ ...good, draw: { kind: 'verdict', classKey: 'x' } }, /report\.draw/],
      [{ records: [], events: [], verdict: {} }, /report/],
    ];
    for (const [report, field] of cases) {
      expect(() => proposalDrawOf(call, report)).toThrow(field);
    }
  });

  test('a forged report is rejected (remote_verdict_rejected); a refused job is the worker\'s refusal; a sample drawn again is a new job', async () => {
    const queue = new InProcessQueue({ lockMs: 5_000 });
    const drawer = queueProposalDrawer(queue);
    const request = { runId: 'run-f', taskId: 'decompose:root', sampleIndex: 0, archetype: ARCHETYPES.decomposer, variables: VARIABLES, maxOutputTokens: 100, seed: 1 };
    const forger = (async () => {
      const claim = await queue.claimJob({ workerId: 'forger', waitMs: 5_000 });
      if (claim !== null) await queue.completeJob(claim, { kind: 'proposal', workerId: 'forger', style: 'chat', structured: false, draw: { kind: 'answer', text: '{}', answer: '{"subtasks":[]}' } });
    })();
    await expect(drawer(request)).rejects.toMatchObject({ code: 'remote_verdict_rejected', message: expect.stringContaining('was drawn by a queue worker') });
    await forger;
    const refuser = (async () => {
      const claim = await queue.claimJob({ workerId: 'old', waitMs: 5_000 });
      if (claim !== null) await queue.refuseJob(claim, { code: 'protocol_mismatch', reason: 'this worker speaks version 1' });
      return claim?.jobId;
    })();
    await expect(drawer({ ...request, sampleIndex: 1, draw: 2 })).rejects.toMatchObject({ code: 'sample_job_refused', refusal: 'protocol_mismatch' });
    expect(await refuser).toBe(sampleJobId('run-f', 'decompose:root', 1, 2));
    expect(sampleJobId('run-f', 'decompose:root', 1, 2)).not.toBe(sampleJobId('run-f', 'decompose:root', 1));
    await queue.close();
  });
});
