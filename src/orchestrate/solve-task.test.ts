import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  clampChat,
  clampSource,
  clampSpec,
  CLAMP_BODY,
  sumPositiveChat,
  sumPositiveSpec,
  SUM_POSITIVE_BODY,
} from '../../test/fixtures/orchestrate/specs.js';
import type { GenerateOptions, LanguageModel } from '../llm/language-model.js';
import { createModelStack } from '../llm/middleware/model-stack.js';
import { flatPricing } from '../llm/model-pricing.js';
import { ModelCallError, ModelEmptyAnswerError, ModelUnavailableError, ReplayExhaustedError } from '../llm/model-errors.js';
import { MockLanguageModel, type MockResponse } from '../llm/providers/mock/mock-language-model.js';
import { defaultRedFlagRules, RedFlagger } from '../redflag/index.js';
import { BwrapSandbox, SandboxCandidateRunner } from '../sandbox/index.js';
import { renderStub } from '../task-spec/render-stub.js';
import { TaskSpecSchema, type TaskSpec } from '../task-spec/task-spec.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import type { RunRecord } from '../store/run-store.js';
import { taskProgress, type TaskProgress } from '../store/task-progress.js';
import { createCodeTokenizer, createDefaultVerifier, type Verifier } from '../verify/index.js';
import type { EngineEvent } from './engine-events.js';
import { ownCode } from './prompting/assemble-candidate.js';
import { TYPESCRIPT_CONTINUATION_STOPS } from './prompting/build-prompt.js';
import { solveTask, type SolveTaskOptions, type SolveTaskResult } from './solve-task.js';

let sandbox: BwrapSandbox;
let verifier: Verifier;
let redFlagger: RedFlagger;
let runner: SandboxCandidateRunner;

beforeAll(() => {
  sandbox = new BwrapSandbox();
  verifier = createDefaultVerifier({ sandbox });
  redFlagger = new RedFlagger({ rules: defaultRedFlagRules({ tokenizer: createCodeTokenizer(sandbox) }) });
  runner = new SandboxCandidateRunner(sandbox);
});

afterAll(async () => {
  await sandbox.close();
});

/** Answers keyed by the sample index the solve loop passes in metadata (independent of call interleaving). */
function bySample(answers: readonly MockResponse[]): (options: Omit<GenerateOptions, 'signal'>) => MockResponse {
  return (options) => {
    const answer = answers[Number(options.metadata?.['sampleIndex'])];
    if (answer === undefined) throw new Error(`no scripted answer for sample ${options.metadata?.['sampleIndex']}`);
    return answer;
  };
}

let runCounter = 0;

/** A fresh memory store holding one run with `spec` as its task. */
async function newStore(spec: TaskSpec): Promise<{ store: MemoryRunStore; runId: string }> {
  const store = new MemoryRunStore();
  const runId = `run-solve-${++runCounter}`;
  await store.createRun({ id: runId, kind: 'test', model: 'mock', config: {}, createdAt: Date.now() });
  await store.recordTask(runId, { taskId: spec.id, spec });
  return { store, runId };
}

/**
 * Runs `solveTask` with the real red-flagger, verifier, candidate runner and sandbox, and a fresh memory store
 * (or `into`, a prepared one).
 */
async function solve(
  model: LanguageModel,
  spec: TaskSpec,
  options: Partial<Omit<SolveTaskOptions, 'spec' | 'runId'>> = {},
  into?: { store: MemoryRunStore; runId: string },
) {
  const { store, runId } = into ?? (await newStore(spec));
  const events: EngineEvent[] = [];
  const solved = solveTask(
    {
      model,
      redFlag: (context) => redFlagger.check(context),
      verify: async (taskSpec, code, onLayerEnd, signal) => {
        const report = await verifier.verify(
          { spec: taskSpec, candidate: { language: taskSpec.language, code }, ...(signal === undefined ? {} : { signal }) },
          { onLayerEnd },
        );
        return { passed: report.passed, failedLayer: report.failedLayer ?? undefined };
      },
      candidateRunner: runner,
      store,
      emit: (event) => events.push(event),
    },
    { runId, spec, k: 2, maxSamples: 6, signatureInputs: 12, ...options },
  );
  const result = await solved.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const record = await store.getRun(runId);
  if (record === undefined) throw new Error('run vanished');
  return { result, record, events, runId };
}

function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const chat = (overrides: { honoursTemperature?: boolean } = {}) => ({
  completionStyle: 'chat' as const,
  honoursTemperature: overrides.honoursTemperature ?? true,
});

describe('solveTask: consensus (TypeScript, chat)', () => {
  test('the class that gets k ahead wins; its lowest-index member represents it', async () => {
    const spec = clampSpec();
    const answers = [
      clampChat(CLAMP_BODY.overfit),
      clampChat(CLAMP_BODY.minMaxSpelledOut),
      clampChat(CLAMP_BODY.minMax),
      clampChat(CLAMP_BODY.maxMin),
    ];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result, record, events } = await solve(model, spec);
    const solved = valueOf(result);

    expect(solved.outcome).toBe('consensus');
    // Round 1 (k = 2 samples): overfit 1, correct 1 -> margin 0; round 2 (2 more): correct 3, overfit 1.
    expect(solved.samples).toBe(4);
    expect(solved.votes).toBe(3);
    expect(solved.runnerUpVotes).toBe(1);
    expect(solved.verified).toBe(4);
    expect(solved.code).toBe(clampSource(CLAMP_BODY.minMaxSpelledOut));
    expect(solved.classes).toHaveLength(2);
    const winner = solved.classes.find((tally) => tally.classKey === solved.classKey);
    expect(winner).toEqual({ classKey: solved.classKey, votes: 3, representative: 1 });
    expect(solved.classes.find((tally) => tally.classKey !== solved.classKey)).toMatchObject({ votes: 1, representative: 0 });
    expect(model.calls).toHaveLength(4);

    // Temperatures: 0 first, then higher; recorded with each sample.
    const temperatures = model.calls.map((call) => call.temperature);
    expect(temperatures[0]).toBe(0);
    for (const temperature of temperatures.slice(1)) expect(temperature).toBeGreaterThan(0);
    expect(record.samples.map((sample) => sample.temperature)).toEqual(temperatures);

    // Prompt variants rotate, and every call names the task and its sample index.
    const byIndex = [...model.calls].sort((a, b) => Number(a.metadata?.['sampleIndex']) - Number(b.metadata?.['sampleIndex']));
    expect(byIndex.map((call) => call.metadata?.['promptVariant'])).toEqual(['direct', 'edge-cases', 'spec-first', 'direct']);
    expect(byIndex.map((call) => call.metadata?.['sampleIndex'])).toEqual(['0', '1', '2', '3']);
    for (const call of model.calls) {
      expect(call.metadata?.['taskId']).toBe(spec.id);
      expect(call.messages?.[0]?.role).toBe('system');
      expect(call.prompt).toBeUndefined();
      expect(call.maxOutputTokens).toBe(spec.limits.maxOutputTokens);
    }
    expect(byIndex[2]?.messages?.[1]?.content).toMatch(/^Signature to implement/);
    expect(byIndex[0]?.messages?.[1]?.content).toMatch(/^Task: /);

    // Recorded: one sample each, one vote per verified sample, one decision matching the result.
    expect(record.samples.map((sample) => sample.sampleIndex)).toEqual([0, 1, 2, 3]);
    expect(record.samples.map((sample) => sample.promptVariant)).toEqual(['direct', 'edge-cases', 'spec-first', 'direct']);
    expect(record.votes.map((vote) => vote.sampleIndex)).toEqual([0, 1, 2, 3]);
    expect(new Set(record.votes.map((vote) => vote.classKey)).size).toBe(2);
    expect(record.votes.filter((vote) => vote.classKey === solved.classKey).map((vote) => vote.sampleIndex)).toEqual([1, 2, 3]);
    expect(record.redFlags).toEqual([]);
    expect(record.decisions).toHaveLength(1);
    expect(record.decisions[0]).toMatchObject({
      taskId: spec.id, outcome: 'consensus', classKey: solved.classKey, code: solved.code, votes: 3, runnerUpVotes: 1, samples: 4, k: 2,
    });
    // A verified sample has a result from every layer of the verifier, in order, none failed.
    const passedLayers = record.layerResults.filter((layer) => layer.sampleIndex === 0);
    expect(passedLayers.map((layer) => layer.layer)).toEqual(verifier.layers.map((layer) => layer.name));
    expect(passedLayers.map((layer) => layer.layer)).toEqual(expect.arrayContaining(['syntax', 'types', 'unit-tests']));
    expect(passedLayers.every((layer) => layer.status !== 'fail')).toBe(true);
    expect(passedLayers.find((layer) => layer.layer === 'unit-tests')?.status).toBe('pass');

    // Events: task-start first, task-end last, vote-decided just before; one vote-cast per verified sample.
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('task-start');
    expect(types.at(-1)).toBe('task-end');
    expect(types.at(-2)).toBe('vote-decided');
    expect(types.filter((type) => type === 'vote-decided')).toHaveLength(1);
    expect(types.filter((type) => type === 'sample-end')).toHaveLength(4);
    expect(types.filter((type) => type === 'candidate-verified')).toHaveLength(4);
    expect(events.filter((event) => event.type === 'vote-cast').map((event) => event.sampleIndex).sort()).toEqual([0, 1, 2, 3]);
    for (const index of [0, 1, 2, 3]) {
      const sampleEnd = types.findIndex((type, at) => type === 'sample-end' && (events[at] as { sampleIndex: number }).sampleIndex === index);
      const voteCast = types.findIndex((type, at) => type === 'vote-cast' && (events[at] as { sampleIndex: number }).sampleIndex === index);
      expect(sampleEnd).toBeGreaterThan(0);
      expect(voteCast).toBeGreaterThan(sampleEnd);
    }
    expect(events.at(-2)).toMatchObject({ type: 'vote-decided', outcome: 'consensus', classKey: solved.classKey, votes: 3, runnerUpVotes: 1 });
  });

  test('without honoured temperature no temperature is sent and null is recorded', async () => {
    const spec = clampSpec();
    const model = new MockLanguageModel({
      responses: clampChat(CLAMP_BODY.minMax),
      capabilities: chat({ honoursTemperature: false }),
    });
    const { result, record } = await solve(model, spec);
    expect(valueOf(result)).toMatchObject({ outcome: 'consensus', samples: 2, votes: 2, runnerUpVotes: 0 });
    expect(model.calls.every((call) => !('temperature' in call))).toBe(true);
    expect(record.samples.map((sample) => sample.temperature)).toEqual([null, null]);
  });
});

describe('solveTask: continuation style', () => {
  test('sends the stub with stop sequences and votes on stub + continuation', async () => {
    const spec = clampSpec();
    const stub = renderStub(spec);
    // The trailing helper is cut by the `\nfunction ` stop sequence, as a live API would.
    const model = new MockLanguageModel({
      responses: `${CLAMP_BODY.minMax}\nfunction unused() { return 1; }\n`,
      capabilities: { completionStyle: 'continuation', honoursTemperature: false },
    });
    const { result, record } = await solve(model, spec);
    const solved = valueOf(result);
    expect(solved.outcome).toBe('consensus');
    expect(solved.code).toBe(stub + CLAMP_BODY.minMax);
    for (const call of model.calls) {
      expect(call.prompt).toBe(stub);
      expect(call.messages).toBeUndefined();
      expect(call.stop).toEqual(TYPESCRIPT_CONTINUATION_STOPS);
      expect(call.metadata?.['promptVariant']).toBe('stub');
    }
    expect(record.samples.every((sample) => sample.promptVariant === 'stub' && sample.code === stub + CLAMP_BODY.minMax)).toBe(true);
  });
});

describe('solveTask: red flags and verification failures', () => {
  test('a refusal and a too-long answer are discarded, counted per rule, recorded and never vote', async () => {
    const spec = clampSpec();
    const answers: MockResponse[] = [
      'I cannot help with that.',
      { text: clampChat(CLAMP_BODY.minMax), finishReason: 'length' },
      clampChat(CLAMP_BODY.minMax),
      clampChat(CLAMP_BODY.minMax),
    ];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result, record, events } = await solve(model, spec);
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'consensus', samples: 4, redFlagged: 2, verified: 2, votes: 2, runnerUpVotes: 0 });
    // The prose refusal holds no code either; the long answer only hit the token cap.
    expect(solved.redFlagsByRule).toEqual({ 'no-code': 1, 'refusal-or-hedge': 1, 'over-token-cap': 1 });
    expect(record.redFlags.filter((hit) => hit.rule === 'refusal-or-hedge').map((hit) => hit.sampleIndex)).toEqual([0]);
    expect(record.redFlags.filter((hit) => hit.rule === 'over-token-cap').map((hit) => hit.sampleIndex)).toEqual([1]);
    expect(record.votes.map((vote) => vote.sampleIndex)).toEqual([2, 3]);
    expect(record.layerResults.some((layer) => layer.sampleIndex < 2)).toBe(false);
    expect(record.samples).toHaveLength(4);
    const flagged = events.filter((event) => event.type === 'sample-red-flagged').map((event) => event.sampleIndex);
    expect(flagged.sort()).toEqual([0, 1]);
    expect(events.some((event) => event.type === 'vote-cast' && event.sampleIndex < 2)).toBe(false);
    // Per-rule counts add up to the recorded hits.
    expect(Object.values(solved.redFlagsByRule).reduce((a, b) => a + b, 0)).toBe(record.redFlags.length);
  });

  test('a syntax error and a wrong answer are counted per failing layer and never vote', async () => {
    const spec = clampSpec();
    const answers = [
      clampChat(CLAMP_BODY.syntaxError),
      clampChat(CLAMP_BODY.wrong),
      clampChat(CLAMP_BODY.maxMin),
      clampChat(CLAMP_BODY.maxMin),
    ];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result, record } = await solve(model, spec);
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'consensus', samples: 4, redFlagged: 0, failedVerification: 2, verified: 2, votes: 2 });
    expect(solved.failedByLayer).toEqual({ syntax: 1, 'unit-tests': 1 });
    expect(solved.code).toBe(clampSource(CLAMP_BODY.maxMin));
    const layersOf = (index: number) =>
      record.layerResults.filter((layer) => layer.sampleIndex === index).map((layer) => `${layer.layer}:${layer.status}`);
    // Verification stops at the first failing layer, which is the last one recorded.
    expect(layersOf(0)).toEqual(['syntax:fail']);
    const wrong = layersOf(1);
    expect(wrong.at(-1)).toBe('unit-tests:fail');
    expect(wrong.slice(0, 2)).toEqual(['syntax:pass', 'types:pass']);
    expect(wrong.slice(0, -1).every((entry) => !entry.endsWith(':fail'))).toBe(true);
    expect(record.votes.map((vote) => vote.sampleIndex)).toEqual([2, 3]);
  });
});

describe('solveTask: semantic signature respects preconditions', () => {
  test('implementations that differ only when low > high form one class', async () => {
    const answers = [clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.maxMin)];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result } = await solve(model, clampSpec());
    const solved = valueOf(result);
    expect(solved.classes).toHaveLength(1);
    expect(solved).toMatchObject({ outcome: 'consensus', votes: 2, runnerUpVotes: 0, samples: 2 });
    expect(solved.code).toBe(clampSource(CLAMP_BODY.minMax));
  });

  test('control: without the precondition the same two implementations split', async () => {
    const answers = [clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.maxMin)];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result } = await solve(model, clampSpec({ preconditions: false }), { maxSamples: 2 });
    const solved = valueOf(result);
    expect(solved.classes.map((tally) => tally.votes)).toEqual([1, 1]);
    expect(solved.outcome).toBe('best-partial');
  });
});

describe('solveTask: no consensus within the budget', () => {
  const split = [clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.overfit), clampChat(CLAMP_BODY.minMax)];

  test('best-partial (default) keeps the largest class', async () => {
    const model = new MockLanguageModel({ responses: bySample(split), capabilities: chat() });
    const { result, record, events } = await solve(model, clampSpec(), { maxSamples: 3 });
    const solved = valueOf(result);
    // Round 1: 1-1; round 2 is clamped to the one sample left: 2-1, short of k = 2.
    expect(solved).toMatchObject({ outcome: 'best-partial', samples: 3, votes: 2, runnerUpVotes: 1 });
    expect(solved.code).toBe(clampSource(CLAMP_BODY.minMax));
    expect(solved.reason).toContain('sample budget spent');
    expect(record.decisions[0]).toMatchObject({ outcome: 'best-partial', votes: 2, runnerUpVotes: 1, code: solved.code });
    expect(events.some((event) => event.type === 'task-escalated')).toBe(false);
  });

  test('fallback escalate escalates, chooses nothing and emits task-escalated', async () => {
    const model = new MockLanguageModel({ responses: bySample(split), capabilities: chat() });
    const { result, record, events } = await solve(model, clampSpec(), { maxSamples: 3, fallback: 'escalate' });
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'escalated', code: null, classKey: null, samples: 3 });
    expect(record.decisions[0]).toMatchObject({ outcome: 'escalated', code: null });
    const types = events.map((event) => event.type);
    expect(types.indexOf('task-escalated')).toBeGreaterThan(types.indexOf('vote-decided'));
    expect(types.indexOf('task-escalated')).toBeLessThan(types.indexOf('task-end'));
    expect(events.find((event) => event.type === 'task-escalated')).toMatchObject({ taskId: 'orchestrate/clamp', reason: solved.reason });
  });

  test('no-consensus when nothing passes red flags and verification', async () => {
    const model = new MockLanguageModel({ responses: "I'm sorry, I cannot do that.", capabilities: chat() });
    const { result, record } = await solve(model, clampSpec(), { maxSamples: 3 });
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'no-consensus', code: null, samples: 3, redFlagged: 3, verified: 0, classes: [] });
    expect(record.votes).toEqual([]);
    expect(record.decisions).toHaveLength(1);
    expect(record.decisions[0]?.outcome).toBe('no-consensus');
  });
});

describe('solveTask: model failures', () => {
  test('ModelUnavailableError records a model-unavailable decision, then is rethrown', async () => {
    const unavailable = new ModelUnavailableError({ provider: 'mock', message: 'no server at http://127.0.0.1:1' });
    const model = new MockLanguageModel({ responses: unavailable, capabilities: chat() });
    const { result, record, events } = await solve(model, clampSpec());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBe(unavailable);
    expect(record.decisions).toHaveLength(1);
    expect(record.decisions[0]).toMatchObject({ outcome: 'model-unavailable', code: null, reason: unavailable.message });
    // It stops after the first round instead of spending the budget.
    expect(model.calls).toHaveLength(2);
    expect(events.filter((event) => event.type === 'sample-failed')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'task-end', outcome: 'model-unavailable' });
  });

  test('every call failing is model unavailable: failed calls are recorded with causes, never counted as samples', async () => {
    const failure = new ModelCallError({ provider: 'mock', message: 'HTTP 401 unauthorized', statusCode: 401, isRetryable: false });
    const model = new MockLanguageModel({ responses: failure, capabilities: chat() });
    const { result, record, events } = await solve(model, clampSpec(), { maxSamples: 4 });
    expect(result.ok).toBe(false);
    const error = !result.ok ? result.error : undefined;
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).code).toBe('model_unavailable');
    // maxFailedCalls defaults to maxSamples: 4 calls without an answer, none of them a sample.
    expect((error as Error).message).toContain('4 calls gave no answer (http_401 4; 0 retries; 0 answers)');
    expect((error as Error).message).toContain('HTTP 401 unauthorized');
    expect((error as Error).cause).toBe(failure);
    expect(model.calls).toHaveLength(4);
    expect(record.decisions[0]).toMatchObject({ outcome: 'model-unavailable', samples: 0 });
    expect(record.samples).toEqual([]);
    expect(record.callFailures.map((f) => [f.sampleIndex, f.code, f.statusCode, f.attempts])).toEqual([
      [0, 'model_call_failed', 401, 1], [1, 'model_call_failed', 401, 1], [0, 'model_call_failed', 401, 1], [1, 'model_call_failed', 401, 1],
    ]);
    expect(events.filter((event) => event.type === 'sample-end')).toEqual([]);
  });

  test('a failed call among good ones does not use up the budget: its index is drawn again', async () => {
    const failure = new ModelCallError({ provider: 'mock', message: 'HTTP 500', statusCode: 500, isRetryable: true });
    const model = new MockLanguageModel({
      responses: (_options, callIndex) => (callIndex === 0 ? failure : clampChat(CLAMP_BODY.minMax)), capabilities: chat(),
    });
    const { result, record } = await solve(model, clampSpec(), { maxSamples: 2 });
    // Budget 2 answers: the failure is an attempt apart, so both answers fit and reach consensus.
    expect(valueOf(result)).toMatchObject({ outcome: 'consensus', samples: 2, votes: 2, failedCalls: 1, failedCallsByCause: { http_500: 1 } });
    expect(record.samples.map((s) => s.sampleIndex)).toEqual([0, 1]);
    expect(record.callFailures).toMatchObject([{ code: 'model_call_failed', statusCode: 500, attempts: 1 }]);
    expect(record.decisions[0]).toMatchObject({ outcome: 'consensus', samples: 2 });
  });

  test('a model answering only empty content is unavailable, not a run of empty samples', async () => {
    const model = new MockLanguageModel({
      responses: () => new ModelEmptyAnswerError({ provider: 'openai', url: 'http://127.0.0.1:1/v1', finishReason: 'stop' }), capabilities: chat(),
    });
    const { result, record } = await solve(model, clampSpec(), { maxSamples: 20, recordCancellation: false });
    const error = !result.ok ? result.error : undefined;
    expect(error).toMatchObject({ code: 'model_unavailable' });
    // Five in a row (maxConsecutiveFailedCalls) end it long before 20.
    expect((error as Error).message).toContain('calls in a row gave no answer (model_empty_answer');
    expect(record.samples).toEqual([]);
    expect(record.callFailures.length).toBeGreaterThanOrEqual(5);
    expect(record.callFailures.length).toBeLessThanOrEqual(6);
    // recordCancellation false (engine runs, builds): no decision, so a resume continues the task.
    expect(record.decisions).toEqual([]);
  });

  test('retries made by the model stack are counted, and a priced model records each answer\'s cost', async () => {
    const flaky = new ModelCallError({ provider: 'mock', message: 'HTTP 503', statusCode: 503, isRetryable: true });
    const answer = { text: clampChat(CLAMP_BODY.minMax), usage: { inputTokens: 1_000, outputTokens: 200 } };
    const mock = new MockLanguageModel({ responses: (_options, callIndex) => (callIndex % 2 === 0 ? flaky : answer), capabilities: chat() });
    const model = createModelStack(mock, { retry: { initialDelayMs: 0 }, pricing: flatPricing({ inputUsdPerMTok: 3, outputUsdPerMTok: 15 }) });
    const { result, record } = await solve(model, clampSpec(), { maxSamples: 4 });
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'consensus', samples: 2, retries: 2, failedCalls: 0 });
    const perCall = (1_000 * 3 + 200 * 15) / 1e6;
    expect(record.samples.map((s) => s.costUsd)).toEqual([perCall, perCall]);
    expect(solved.costUsd).toBeCloseTo(2 * perCall, 12);
  });

  test('ReplayExhaustedError ends sampling early and says the recorded samples ran out', async () => {
    const exhausted = new ReplayExhaustedError({ taskId: 'orchestrate/clamp', served: 2 });
    const answers = [clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.minMax), exhausted, exhausted, exhausted];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result, record } = await solve(model, clampSpec(), { k: 3, maxSamples: 10 });
    const solved = valueOf(result);
    // One round of k = 3: two votes and an exhausted replay; margin 2 < 3, and no further round.
    expect(model.calls).toHaveLength(3);
    expect(solved).toMatchObject({ outcome: 'best-partial', samples: 2, votes: 2 });
    expect(solved.reason).toContain('the recorded samples ran out');
    expect(record.decisions[0]?.reason).toContain('the recorded samples ran out');
  });
});

describe('solveTask: cancellation', () => {
  test('an abort during sampling rejects and stops drawing samples', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModel({
      responses: (_options, callIndex) => {
        if (callIndex === 1) controller.abort(new Error('stop now'));
        return clampChat(callIndex === 0 ? CLAMP_BODY.minMax : CLAMP_BODY.overfit);
      },
      capabilities: chat(),
    });
    const { result, record } = await solve(model, clampSpec(), { signal: controller.signal, maxSamples: 10 });
    expect(result.ok).toBe(false);
    expect(model.calls.length).toBeLessThanOrEqual(2);
    expect(record.decisions.map((decision) => decision.outcome)).toEqual(['cancelled']);
  });
});

describe('solveTask: Python', () => {
  test('chat answers get the stub imports; consensus over two spellings of the same behaviour', async () => {
    const spec = sumPositiveSpec();
    const answers = [
      sumPositiveChat(SUM_POSITIVE_BODY.overfit),
      sumPositiveChat(SUM_POSITIVE_BODY.syntaxError),
      sumPositiveChat(SUM_POSITIVE_BODY.loop),
      sumPositiveChat(SUM_POSITIVE_BODY.correct),
      sumPositiveChat(SUM_POSITIVE_BODY.wrong),
      sumPositiveChat(SUM_POSITIVE_BODY.correct),
    ];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const { result, record } = await solve(model, spec, { maxSamples: 8 });
    const solved = valueOf(result);
    // Round 1: overfit, syntax error (1-0); round 2 (1): loop (1-1); round 3 (2): correct, wrong (2-1); round 4 (1): 3-1.
    expect(solved).toMatchObject({ outcome: 'consensus', samples: 6, votes: 3, runnerUpVotes: 1, verified: 4 });
    expect(solved.failedByLayer).toEqual({ syntax: 1, 'unit-tests': 1 });
    expect(solved.code).toBe(`from typing import *\ndef sum_positive(xs: List[int]) -> int:\n${SUM_POSITIVE_BODY.loop}`);
    expect(record.votes.map((vote) => vote.sampleIndex)).toEqual([0, 2, 3, 5]);
  });

  test('continuation: the code is the stub followed by the continuation', async () => {
    const spec = sumPositiveSpec();
    const model = new MockLanguageModel({
      // The Python stop list cuts the trailing `def` off.
      responses: `${SUM_POSITIVE_BODY.correct}\n\ndef helper():\n    return 1\n`,
      capabilities: { completionStyle: 'continuation', honoursTemperature: true },
    });
    const { result } = await solve(model, spec);
    const solved = valueOf(result);
    expect(solved.outcome).toBe('consensus');
    expect(solved.code).toBe(renderStub(spec) + SUM_POSITIVE_BODY.correct + '\n');
    expect(model.calls.map((call) => call.temperature)).toEqual([0, 0.3]);
  });
});

describe('solveTask: resume from recorded progress', () => {
  // Round 1 (k = 2): 0 refusal (red-flagged, two hits), 1 syntax error (fails `syntax`): no votes.
  // Round 2 (2): 2 overfit, 3 minMax -> 1-1. Round 3 (2): 4 wrong (fails `unit-tests`), 5 minMax -> 2-1.
  // Round 4 (1): 6 minMax -> 3-1, consensus after 7 samples.
  const answers = [
    'I cannot help with that.',
    clampChat(CLAMP_BODY.syntaxError),
    clampChat(CLAMP_BODY.overfit),
    clampChat(CLAMP_BODY.minMax),
    clampChat(CLAMP_BODY.wrong),
    clampChat(CLAMP_BODY.minMax),
    clampChat(CLAMP_BODY.minMax),
  ];
  const options = { k: 2, maxSamples: 10 };
  /** Advisory tests: the overfit class fails the first (x = 25, high = 20). */
  const advisoryTests = [{ inputs: [25, 0, 20], expected: 20, expectThrows: false }, { inputs: [3, 0, 20], expected: 3, expectThrows: false }];

  /** The run's records without timings (the layer details and the measured times in the performance layer's reason). */
  const comparable = (record: RunRecord) => ({
    samples: record.samples.map(({ createdAt: _createdAt, latencyMs: _latencyMs, ...rest }) => rest),
    redFlags: record.redFlags,
    layerResults: record.layerResults.map(({ durationMs: _durationMs, details: _details, reason, ...rest }) => ({
      ...rest, reason: reason.replaceAll(/\d+(\.\d+)? ms/g, '<t> ms'),
    })),
    votes: record.votes,
    decisions: record.decisions.map(({ decidedAt: _decidedAt, ...rest }) => rest),
  });
  const outcomeOf = ({ durationMs: _durationMs, ...rest }: SolveTaskResult) => rest;
  const sampleIndexOf = (call: { metadata?: Readonly<Record<string, string>> }) => Number(call.metadata?.['sampleIndex']);

  /** A fresh store pre-filled with `progress`, as a stopped process left it. */
  async function prefilled(spec: TaskSpec, progress: TaskProgress) {
    const target = await newStore(spec);
    for (const sample of progress.samples) await target.store.recordSample(target.runId, sample);
    for (const hit of progress.redFlags) await target.store.recordRedFlag(target.runId, hit);
    for (const layer of progress.layerResults) await target.store.recordLayerResult(target.runId, layer);
    for (const vote of progress.votes) await target.store.recordVote(target.runId, vote);
    return target;
  }

  const keep = (progress: TaskProgress, upTo: number): TaskProgress => ({
    samples: progress.samples.filter((record) => record.sampleIndex <= upTo),
    redFlags: progress.redFlags.filter((record) => record.sampleIndex <= upTo),
    layerResults: progress.layerResults.filter((record) => record.sampleIndex <= upTo),
    votes: progress.votes.filter((record) => record.sampleIndex <= upTo),
  });

  test('cut at several points, the resumed solve decides and records exactly what an uninterrupted one does', { timeout: 180_000 }, async () => {
    const spec = clampSpec();
    const baseline = await solve(new MockLanguageModel({ responses: bySample(answers), capabilities: chat() }), spec, options);
    const expected = valueOf(baseline.result);
    expect(expected).toMatchObject({ outcome: 'consensus', samples: 7, redFlagged: 1, failedVerification: 2, verified: 4, votes: 3, runnerUpVotes: 1 });
    expect(expected.failedByLayer).toEqual({ syntax: 1, 'unit-tests': 1 });
    const full = taskProgress(baseline.record, spec.id);
    expect(full.redFlags.filter((hit) => hit.sampleIndex === 0).length).toBe(2);
    const layersOf3 = full.layerResults.filter((layer) => layer.sampleIndex === 3);
    expect(layersOf3.length).toBeGreaterThan(2);

    const cuts: Record<string, TaskProgress> = {
      'samples 0..2 recorded': keep(full, 2),
      'sample 3 with 2 of its layer results and no vote': {
        ...keep(full, 2),
        samples: keep(full, 3).samples,
        layerResults: [...keep(full, 2).layerResults, ...layersOf3.slice(0, 2)],
      },
      'sample 0 recorded, its red flags not yet': { ...keep(full, -1), samples: keep(full, 0).samples },
      'one of the two red-flag hits of sample 0': { ...keep(full, -1), samples: keep(full, 0).samples, redFlags: keep(full, 0).redFlags.slice(0, 1) },
      'sample 1 with only its failed syntax layer; 2 with its layers but no vote': {
        ...keep(full, 1),
        samples: keep(full, 2).samples,
        layerResults: keep(full, 2).layerResults,
      },
      'everything but the decision': full,
    };
    for (const [name, cut] of Object.entries(cuts)) {
      const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
      const resumed = await solve(model, spec, { ...options, resume: cut }, await prefilled(spec, cut));
      expect(outcomeOf(valueOf(resumed.result)), name).toEqual(outcomeOf(expected));
      expect(comparable(resumed.record), name).toEqual(comparable(baseline.record));
      const recorded = new Set(cut.samples.map((sample) => sample.sampleIndex));
      const called = model.calls.map(sampleIndexOf).sort((a, b) => a - b);
      expect(called, name).toEqual([0, 1, 2, 3, 4, 5, 6].filter((index) => !recorded.has(index)));
      const sampleEnds = resumed.events.filter((event) => event.type === 'sample-end');
      expect(sampleEnds.filter((event) => event.resumed === true).map((event) => event.sampleIndex).sort(), name).toEqual([...recorded].sort());
      expect(sampleEnds, name).toHaveLength(7);
    }
  });

  test('with advisory tests a recorded vote is reused and its advisory passes measured again', { timeout: 120_000 }, async () => {
    const spec = clampSpec();
    const baseline = await solve(new MockLanguageModel({ responses: bySample(answers), capabilities: chat() }), spec, { ...options, advisoryTests });
    const expected = valueOf(baseline.result);
    expect(expected.classes.map((tally) => tally.advisoryPassed).sort()).toEqual([1, 2]);
    const cut = keep(taskProgress(baseline.record, spec.id), 3);
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const resumed = await solve(model, spec, { ...options, advisoryTests, resume: cut }, await prefilled(spec, cut));
    expect(outcomeOf(valueOf(resumed.result))).toEqual(outcomeOf(expected));
    expect(comparable(resumed.record)).toEqual(comparable(baseline.record));
    expect(model.calls.map(sampleIndexOf).sort()).toEqual([4, 5, 6]);
  });

  test('records of another task are rejected naming the field', async () => {
    const spec = clampSpec();
    const { store, runId } = await newStore(spec);
    const sample = {
      taskId: 'other', sampleIndex: 0, model: 'mock', temperature: 0, promptVariant: 'direct', text: 'x', code: null,
      inputTokens: 1, outputTokens: 1, latencyMs: 1, finishReason: 'stop', costUsd: null, createdAt: 1,
    };
    const model = new MockLanguageModel({ responses: clampChat(CLAMP_BODY.minMax), capabilities: chat() });
    const { result } = await solve(model, spec, { resume: { samples: [sample], redFlags: [], layerResults: [], votes: [] } }, { store, runId });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ code: 'invalid_argument', parameter: 'options.resume.samples' });
    expect(model.calls).toHaveLength(0);
  });

  test('recordCancellation false: an abort leaves the task undecided', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModel({
      responses: (_options, callIndex) => {
        if (callIndex === 1) controller.abort(new Error('stop now'));
        return clampChat(CLAMP_BODY.minMax);
      },
      capabilities: chat(),
    });
    const { result, record, events } = await solve(model, clampSpec(), { signal: controller.signal, maxSamples: 10, recordCancellation: false });
    expect(result.ok).toBe(false);
    expect(record.decisions).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'task-end', outcome: 'cancelled' });
  });
});

describe('solveTask: contextCode', () => {
  const helper = 'function lift(x: number, low: number): number {\n  return Math.max(x, low);\n}';
  const usesHelper = '  return Math.min(lift(x, low), high);\n}\n';

  test('the context is prepended before verification and voting; the chosen code starts with it', async () => {
    const spec = TaskSpecSchema.parse({ ...clampSpec(), contextCode: helper });
    const model = new MockLanguageModel({ responses: clampChat(usesHelper), capabilities: chat() });
    const { result, record } = await solve(model, spec);
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'consensus', samples: 2, votes: 2 });
    expect(solved.code).toBe(`${helper}\n${clampSource(usesHelper)}`);
    expect(ownCode(spec, solved.code ?? '')).toBe(clampSource(usesHelper));
    expect(record.samples.every((sample) => sample.code === solved.code)).toBe(true);
    expect(model.calls[0]?.messages?.[1]?.content).toContain(helper);
  });

  test('control: without the context the same answers fail verification', async () => {
    const model = new MockLanguageModel({ responses: clampChat(usesHelper), capabilities: chat() });
    const { result } = await solve(model, clampSpec(), { maxSamples: 2 });
    const solved = valueOf(result);
    expect(solved).toMatchObject({ outcome: 'no-consensus', verified: 0, failedVerification: 2 });
  });
});

describe('solveTask: the reviewer filter', () => {
  /** A reviewer that rejects code special-casing `high === 10` (an overfit the visible tests miss), else accepts. */
  const reviewer = (calls: string[]) => async (request: { classKey: string; code: string }) => {
    calls.push(request.classKey);
    const reject = request.code.includes('high === 10');
    return {
      classKey: request.classKey, verdict: reject ? 'reject' as const : 'accept' as const, taskId: `review:x:${request.classKey}`,
      votes: 2, runnerUpVotes: 0, samples: 2, reasons: reject ? ['special-cases high === 10'] : [],
      reason: `the reviewers ${reject ? 'rejected' : 'accepted'} class ${request.classKey}`,
    };
  };

  test('a class the reviewers reject leaves the vote; sampling goes on until a reviewed class wins', async () => {
    const answers = [clampChat(CLAMP_BODY.overfit), clampChat(CLAMP_BODY.overfit), clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.maxMin)];
    const model = new MockLanguageModel({ responses: bySample(answers), capabilities: chat() });
    const spec = clampSpec();
    const { store, runId } = await newStore(spec);
    const calls: string[] = [];
    const events: EngineEvent[] = [];
    const solved = await solveTask({
      model, redFlag: (context) => redFlagger.check(context),
      verify: async (taskSpec, code, onLayerEnd) => {
        const report = await verifier.verify({ spec: taskSpec, candidate: { language: taskSpec.language, code } }, { onLayerEnd });
        return { passed: report.passed, failedLayer: report.failedLayer ?? undefined };
      },
      candidateRunner: runner, store, emit: (event) => events.push(event), review: reviewer(calls),
    }, { runId, spec, k: 2, maxSamples: 6, signatureInputs: 12, review: true });
    // Round 1: the overfit class leads 2-0 and is rejected; round 2: the correct class leads 2-0 and is accepted.
    expect(solved).toMatchObject({ outcome: 'consensus', samples: 4, votes: 2, runnerUpVotes: 0 });
    expect(solved.code).toBe(clampSource(CLAMP_BODY.minMax));
    expect(solved.reviews?.map((review) => review.verdict)).toEqual(['reject', 'accept']);
    expect(calls).toHaveLength(2);
    expect(new Set(calls).size).toBe(2);
    expect(solved.classes.map((tally) => tally.classKey)).toEqual([solved.classKey]); // the rejected class no longer counts
    expect(solved.reason).toMatch(/led the runner-up by 2 >= k=2 after 4 samples; the reviewers rejected class \w+; the reviewers accepted class \w+/);
  });

  test('without the filter the same samples choose the overfit class; asking for it without a reviewer is refused', async () => {
    const answers = [clampChat(CLAMP_BODY.overfit), clampChat(CLAMP_BODY.overfit)];
    const plain = await solve(new MockLanguageModel({ responses: bySample(answers), capabilities: chat() }), clampSpec());
    expect(valueOf(plain.result).code).toBe(clampSource(CLAMP_BODY.overfit));
    expect(valueOf(plain.result).reviews).toBeUndefined();
    const refused = await solve(new MockLanguageModel({ responses: bySample(answers), capabilities: chat() }), clampSpec(), { review: true });
    expect(refused.result.ok).toBe(false);
    expect(refused.result.ok ? undefined : refused.result.error).toMatchObject({ code: 'invalid_argument', parameter: 'options.review' });
  });
});
