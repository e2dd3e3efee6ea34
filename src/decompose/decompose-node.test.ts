import { describe, expect, test } from 'vitest';
import type { GenerateOptions } from '../llm/language-model.js';
import { CircuitOpenError, ModelCallError, ModelUnavailableError, ReplayExhaustedError } from '../llm/model-errors.js';
import { MockLanguageModel, type MockResponse } from '../llm/providers/mock/mock-language-model.js';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import type { RunRecord } from '../store/run-store.js';
import { taskProgress, type TaskProgress } from '../store/task-progress.js';
import { ARCHETYPES } from './archetypes/registry.js';
import { canonicalProposalJson } from './canonical-proposal.js';
import type { DecomposeEvent } from './decompose-events.js';
import { decomposeNode, type DecomposeNodeOptions, type DecomposeNodeResult } from './decompose-node.js';
import { structuralSignature } from './structural-signature.js';
import { answer, baseProposal, bySampleIndex, cyclicProposal, differentProposal, renamed } from './testing/proposals.js';

// Compile-time check: the engine's event bus can be passed as `emit` (DecomposeEvent is a subset of EngineEvent).
const engineEmit: (event: EngineEvent) => void = () => undefined;
const asDecomposeEmit: (event: DecomposeEvent) => void = engineEmit;
void asDecomposeEmit;

const TASK = 'decompose:root';
let runCounter = 0;

interface Harness {
  readonly store: MemoryRunStore;
  readonly runId: string;
  readonly events: DecomposeEvent[];
}

async function harness(store = new MemoryRunStore()): Promise<Harness> {
  const runId = `run-decompose-${++runCounter}`;
  await store.createRun({ id: runId, kind: 'build', model: 'mock', config: {}, createdAt: Date.now() });
  return { store, runId, events: [] };
}

async function decompose(
  h: Harness,
  model: MockLanguageModel,
  options: Partial<DecomposeNodeOptions> = {},
): Promise<DecomposeNodeResult> {
  return decomposeNode({ model, store: h.store, emit: (event) => h.events.push(event) }, {
    runId: h.runId, nodeId: 'root', requirements: 'A calculator for arithmetic expressions.', language: 'typescript',
    limits: { maxLines: 30, maxComplexity: 6 }, reservedEntryPoints: [], ...options,
  });
}

async function runOf(h: Harness): Promise<RunRecord> {
  const run = await h.store.getRun(h.runId);
  if (run === undefined) throw new Error('run missing');
  return run;
}

const base = baseProposal();
const baseKey = structuralSignature(base).classKey;
const otherKey = structuralSignature(differentProposal()).classKey;

describe('decomposeNode: voting', () => {
  test('consensus at k=2 among proposals that differ only in naming; everything recorded', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: bySampleIndex([answer(base), answer(renamed(base, 1))]) });
    const result = await decompose(h, model, { k: 2 });

    expect(result).toMatchObject({
      nodeId: 'root', taskId: TASK, outcome: 'consensus', classKey: baseKey, votes: 2, runnerUpVotes: 0, k: 2,
      samples: 2, redFlagged: 0, redFlagsByRule: {}, classes: [{ classKey: baseKey, votes: 2, representative: 0 }],
    });
    expect(result.proposal).toEqual(base);
    expect(result.inputTokens).toBeGreaterThan(0);
    expect(result.reason).toContain('>= k=2 after 2 samples');

    const run = await runOf(h);
    expect(run.samples.map((sample) => [sample.taskId, sample.sampleIndex, sample.code])).toEqual([
      [TASK, 0, canonicalProposalJson(base)],
      [TASK, 1, canonicalProposalJson(renamed(base, 1))],
    ]);
    expect(run.votes.map((vote) => vote.classKey)).toEqual([baseKey, baseKey]);
    expect(run.votes[0]?.signature).toBe(structuralSignature(base).signature);
    expect(run.decisions).toEqual([expect.objectContaining({
      taskId: TASK, outcome: 'consensus', classKey: baseKey, code: canonicalProposalJson(base), votes: 2, runnerUpVotes: 0, samples: 2, k: 2,
    })]);
    expect(h.events.map((event) => event.type)).toEqual(['task-start', 'sample-end', 'sample-end', 'vote-cast', 'vote-cast', 'vote-decided', 'task-end']);
    expect(h.events.every((event) => event.runId === h.runId && event.taskId === TASK)).toBe(true);
  });

  test('model calls: chat messages, metadata, seed, token cap; no temperature or jsonSchema unless supported', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: bySampleIndex([answer(base), answer(base)]) });
    await decompose(h, model, { k: 2, seed: 7, maxOutputTokens: 1000 });
    const calls = [...model.calls].sort((a, b) => Number(a.metadata?.['sampleIndex']) - Number(b.metadata?.['sampleIndex']));
    expect(calls.map((call) => call.metadata)).toEqual([
      { taskId: TASK, sampleIndex: '0', promptVariant: 'direct' },
      { taskId: TASK, sampleIndex: '1', promptVariant: 'interfaces-first' },
    ]);
    expect(calls.map((call) => call.seed)).toEqual([7, 8]);
    expect(calls[0]?.maxOutputTokens).toBe(1000);
    expect(calls[0]?.messages?.[1]?.content).toContain('A calculator for arithmetic expressions.');
    expect(calls[0]?.prompt).toBeUndefined();
    expect(calls[0]?.temperature).toBeUndefined();
    expect(calls[0]?.jsonSchema).toBeUndefined();
    expect((await runOf(h)).samples.map((sample) => sample.temperature)).toEqual([null, null]);
  });

  test('continuation model with temperature and JSON Schema: the schema is sent, temperature 0 first', async () => {
    const h = await harness();
    const model = new MockLanguageModel({
      responses: bySampleIndex([answer(base), answer(renamed(base, 3))]),
      capabilities: { completionStyle: 'continuation', jsonSchema: true, honoursTemperature: true },
    });
    const result = await decompose(h, model, { k: 2 });
    expect(result.outcome).toBe('consensus');
    const first = model.calls.find((call) => call.metadata?.['sampleIndex'] === '0');
    const second = model.calls.find((call) => call.metadata?.['sampleIndex'] === '1');
    expect(first?.temperature).toBe(0);
    expect(second?.temperature).toBe(ARCHETYPES.decomposer.diversityProfile.temperatures[1]);
    expect(first?.jsonSchema).toEqual(ARCHETYPES.decomposer.jsonSchema());
    expect(first?.messages).toBeUndefined();
    expect(first?.prompt?.endsWith('The JSON answer:\n')).toBe(true);
  });

  test('continuation model without JSON Schema: the prompt ends in "{" and the answer continues it', async () => {
    const h = await harness();
    const continuation = (proposal: typeof base) => answer(proposal).slice(1);
    const model = new MockLanguageModel({
      responses: bySampleIndex([continuation(base), continuation(renamed(base, 1))]),
      capabilities: { completionStyle: 'continuation' },
    });
    const result = await decompose(h, model, { k: 2 });
    expect(model.calls[0]?.prompt?.endsWith('\n{')).toBe(true);
    expect(result).toMatchObject({ outcome: 'consensus', classKey: baseKey, redFlagged: 0 });
    expect((await runOf(h)).samples[0]?.text).toBe(continuation(base));
  });

  test('a proposal with a cycle is red-flagged (rule cycle, recorded); the others still reach consensus', async () => {
    const h = await harness();
    const model = new MockLanguageModel({
      responses: bySampleIndex([answer(base), answer(cyclicProposal()), answer(renamed(base, 2)), answer(differentProposal()), answer(base), answer(base)]),
    });
    const result = await decompose(h, model, { k: 2, parallelism: 2 });
    // Rounds: [0, 1] -> base 1; [2, 3] -> base 2, other 1; [4, 5] -> base 4, other 1: decided.
    expect(result).toMatchObject({ outcome: 'consensus', classKey: baseKey, votes: 4, runnerUpVotes: 1, samples: 6, redFlagged: 1, redFlagsByRule: { cycle: 1 } });
    const run = await runOf(h);
    expect(run.redFlags).toEqual([{ taskId: TASK, sampleIndex: 1, rule: 'cycle', reason: 'dependency cycle: calculate -> tokenize -> calculate' }]);
    expect(run.samples.find((sample) => sample.sampleIndex === 1)?.code).toBe(canonicalProposalJson(cyclicProposal()));
    expect(run.votes.map((vote) => vote.sampleIndex)).toEqual([0, 2, 3, 4, 5]);
    expect(h.events.filter((event) => event.type === 'sample-red-flagged')).toEqual([
      expect.objectContaining({ sampleIndex: 1, hits: [expect.objectContaining({ rule: 'cycle' })] }),
    ]);
  });

  test('every sample red-flagged -> no-consensus, recorded with no code', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: 'I would split this into a lexer, a parser and an evaluator.' });
    const result = await decompose(h, model, { k: 2, maxSamples: 5 });
    expect(result).toMatchObject({ outcome: 'no-consensus', proposal: null, classKey: null, votes: 0, samples: 5, redFlagged: 5, redFlagsByRule: { 'not-json': 5 } });
    expect(model.calls).toHaveLength(5);
    const run = await runOf(h);
    expect(run.samples.every((sample) => sample.code === null)).toBe(true);
    expect(run.redFlags).toHaveLength(5);
    expect(run.decisions).toEqual([expect.objectContaining({ outcome: 'no-consensus', classKey: null, code: null, samples: 5 })]);
  });

  test('budget spent without a k lead -> best-partial with the largest class', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: bySampleIndex([answer(base), answer(differentProposal()), answer(renamed(base, 1)), 'nope']) });
    const result = await decompose(h, model, { k: 3, maxSamples: 4, parallelism: 2 });
    expect(result).toMatchObject({ outcome: 'best-partial', classKey: baseKey, votes: 2, runnerUpVotes: 1, samples: 4 });
    expect(result.proposal).toEqual(base);
    expect(result.classes).toEqual([{ classKey: baseKey, votes: 2, representative: 0 }, { classKey: otherKey, votes: 1, representative: 1 }]);
  });

  test('red flags from the node context: reserved entry points and the parent entry point', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: answer(base) });
    const result = await decompose(h, model, { k: 1, maxSamples: 2, parentEntryPoint: 'compute', reservedEntryPoints: ['tokenize'] });
    expect(result.outcome).toBe('no-consensus');
    expect(result.redFlagsByRule).toEqual({ 'duplicate-entry-point': 2, 'missing-parent-entry-point': 2 });
    expect(model.calls[0]?.messages?.[1]?.content).toContain('`compute`');
  });
});

describe('decomposeNode: failures', () => {
  test('every call failing -> model_unavailable thrown, the decision recorded first, no sample, the failures recorded', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: new ModelCallError({ provider: 'mock', message: 'HTTP 500', statusCode: 500, isRetryable: true }) });
    const error = await decompose(h, model, { k: 2, maxSamples: 4 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ code: 'model_unavailable' });
    expect((error as Error).message).toContain('4 calls gave no answer (http_500 4; 0 retries; 0 answers); last error: mock: HTTP 500');
    const run = await runOf(h);
    expect(run.samples).toEqual([]);
    expect(run.callFailures.map((f) => [f.sampleIndex, f.statusCode])).toEqual([[0, 500], [1, 500], [0, 500], [1, 500]]);
    expect(run.decisions).toEqual([expect.objectContaining({ taskId: TASK, outcome: 'model-unavailable', samples: 0, code: null })]);
    expect(h.events.filter((event) => event.type === 'sample-failed')).toHaveLength(4);
    expect(h.events.at(-1)).toMatchObject({ type: 'task-end', outcome: 'model-unavailable' });
  });

  test('recordUnavailable false (builds): no decision, so a resume decomposes the node again', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: new ModelCallError({ provider: 'mock', message: 'HTTP 500', statusCode: 500, isRetryable: true }) });
    await expect(decompose(h, model, { k: 2, maxSamples: 4, recordUnavailable: false })).rejects.toMatchObject({ code: 'model_unavailable' });
    expect((await runOf(h)).decisions).toEqual([]);
  });

  test('a circuit-open error stops after the round and is rethrown as is', async () => {
    const h = await harness();
    const open = new CircuitOpenError({ provider: 'mock', modelId: 'm' });
    const model = new MockLanguageModel({ responses: bySampleIndex([answer(base), open, answer(base)]) });
    const error = await decompose(h, model, { k: 3, maxSamples: 12 }).catch((thrown: unknown) => thrown);
    expect(error).toBe(open);
    expect(model.calls).toHaveLength(3);
    expect((await runOf(h)).decisions[0]).toMatchObject({ outcome: 'model-unavailable', samples: 2 });
  });

  test('a single failed call records no sample but a call failure, and is not counted as a sample', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: bySampleIndex([answer(base), new ModelCallError({ provider: 'mock', message: 'x', isRetryable: false }), answer(base)]) });
    const result = await decompose(h, model, { k: 2, parallelism: 3 });
    expect(result).toMatchObject({ outcome: 'consensus', samples: 2, votes: 2, failedCalls: 1, failedCallsByCause: { network: 1 } });
    const run = await runOf(h);
    expect(run.samples.map((sample) => sample.sampleIndex)).toEqual([0, 2]);
    expect(run.callFailures).toMatchObject([{ sampleIndex: 1, code: 'model_call_failed', statusCode: null, attempts: 1 }]);
  });

  test('ReplayExhaustedError ends sampling (not counted as a sample)', async () => {
    const h = await harness();
    const model = new MockLanguageModel({
      responses: (options: Omit<GenerateOptions, 'signal'>): MockResponse => Number(options.metadata?.['sampleIndex']) < 2 ? answer(differentProposal()) : new ReplayExhaustedError({ taskId: TASK, served: 2 }),
    });
    const result = await decompose(h, model, { k: 3, maxSamples: 12, parallelism: 2 });
    expect(result).toMatchObject({ outcome: 'best-partial', samples: 2, votes: 2 });
    expect(result.reason).toContain('the recorded samples ran out');
    expect(model.calls).toHaveLength(4);
  });

  test('an aborted signal throws before any call and records no decision', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: answer(base) });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(decompose(h, model, { signal: controller.signal })).rejects.toThrow('stop');
    expect(model.calls).toHaveLength(0);
    expect((await runOf(h)).decisions).toEqual([]);
  });

  test('bad options throw invalid_argument naming the field', async () => {
    const h = await harness();
    const model = new MockLanguageModel({ responses: answer(base) });
    await expect(decompose(h, model, { k: 0 })).rejects.toThrow(/options\.k/);
    await expect(decompose(h, model, { requirements: '   ' })).rejects.toThrow(/options\.requirements/);
    await expect(decompose(h, model, { parentEntryPoint: 'not an identifier' })).rejects.toThrow(/options\.parentEntryPoint/);
  });
});

describe('decomposeNode: resume', () => {
  /** Rounds of 2 at k=2: [0,1] base 1, other 1; [2,3] cycle flagged, base 2; [4,5] not-json, base 3 -> consensus. */
  const script: readonly MockResponse[] = [
    answer(base), answer(differentProposal()), answer(cyclicProposal()), answer(renamed(base, 1)), 'not json', answer(renamed(base, 2)),
  ];
  const options = { k: 2, parallelism: 2 };

  /** The records of `run` for `TASK` up to sample `last`, written into a fresh run, and the progress read back. */
  async function interrupted(run: RunRecord, last: number, drop: { readonly votes?: readonly number[] } = {}): Promise<{ h: Harness; progress: TaskProgress }> {
    const h = await harness();
    const mine = taskProgress(run, TASK);
    for (const sample of mine.samples.filter((record) => record.sampleIndex <= last)) await h.store.recordSample(h.runId, sample);
    for (const hit of mine.redFlags.filter((record) => record.sampleIndex <= last)) await h.store.recordRedFlag(h.runId, hit);
    for (const vote of mine.votes.filter((record) => record.sampleIndex <= last && !(drop.votes ?? []).includes(record.sampleIndex))) {
      await h.store.recordVote(h.runId, vote);
    }
    return { h, progress: taskProgress(await runOf(h), TASK) };
  }

  const comparable = (result: DecomposeNodeResult) => ({ ...result, durationMs: 0 });
  const records = (run: RunRecord) => ({
    samples: run.samples.map(({ createdAt: _c, latencyMs: _l, ...rest }) => rest),
    redFlags: run.redFlags,
    votes: run.votes,
    decisions: run.decisions.map(({ decidedAt: _d, ...rest }) => rest),
  });

  test('cut after sample 3: same result and records, no model call for a recorded sample', async () => {
    const full = await harness();
    const fullResult = await decompose(full, new MockLanguageModel({ responses: bySampleIndex(script) }), options);
    expect(fullResult).toMatchObject({ outcome: 'consensus', samples: 6, votes: 3, runnerUpVotes: 1, redFlagsByRule: { cycle: 1, 'not-json': 1 } });

    const { h, progress } = await interrupted(await runOf(full), 3);
    expect(progress.samples.map((sample) => sample.sampleIndex)).toEqual([0, 1, 2, 3]);
    const model = new MockLanguageModel({ responses: bySampleIndex(script) });
    const resumed = await decompose(h, model, { ...options, resume: progress });

    expect(model.calls.map((call) => call.metadata?.['sampleIndex']).sort()).toEqual(['4', '5']);
    expect(comparable(resumed)).toEqual(comparable(fullResult));
    expect(records(await runOf(h))).toEqual(records(await runOf(full)));
    expect(h.events.filter((event) => event.type === 'sample-end').map((event) => event.sampleIndex)).toEqual([4, 5]);
  });

  test('a recorded sample whose vote was not yet written is re-checked and its vote recorded, without a model call', async () => {
    const full = await harness();
    const fullResult = await decompose(full, new MockLanguageModel({ responses: bySampleIndex(script) }), options);
    const { h, progress } = await interrupted(await runOf(full), 3, { votes: [3] });
    expect(progress.votes.map((vote) => vote.sampleIndex)).toEqual([0, 1]);
    const model = new MockLanguageModel({ responses: bySampleIndex(script) });
    const resumed = await decompose(h, model, { ...options, resume: progress });
    expect(model.calls.map((call) => call.metadata?.['sampleIndex']).sort()).toEqual(['4', '5']);
    expect(comparable(resumed)).toEqual(comparable(fullResult));
    expect(records(await runOf(h))).toEqual(records(await runOf(full)));
  });

  test('everything recorded up to the decision: no model call at all', async () => {
    const full = await harness();
    const fullResult = await decompose(full, new MockLanguageModel({ responses: bySampleIndex(script) }), options);
    const { h, progress } = await interrupted(await runOf(full), 5);
    const model = new MockLanguageModel();
    const resumed = await decompose(h, model, { ...options, resume: progress });
    expect(model.calls).toHaveLength(0);
    expect(comparable(resumed)).toEqual(comparable(fullResult));
  });

  test('a continuation model resumes too (the recorded text is re-read with the "{" prefix)', async () => {
    const continuationScript = script.map((response) => typeof response === 'string' && response.startsWith('{') ? response.slice(1) : response);
    const capabilities = { completionStyle: 'continuation' as const };
    const full = await harness();
    const fullResult = await decompose(full, new MockLanguageModel({ responses: bySampleIndex(continuationScript), capabilities }), options);
    expect(fullResult.outcome).toBe('consensus');
    const { h, progress } = await interrupted(await runOf(full), 3, { votes: [0, 3] });
    const model = new MockLanguageModel({ responses: bySampleIndex(continuationScript), capabilities });
    const resumed = await decompose(h, model, { ...options, resume: progress });
    expect(model.calls).toHaveLength(2);
    expect(comparable(resumed)).toEqual(comparable(fullResult));
  });
});
