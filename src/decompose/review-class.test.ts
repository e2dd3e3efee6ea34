import { describe, expect, test } from 'vitest';
import { ModelUnavailableError } from '../llm/model-errors.js';
import { MockLanguageModel } from '../llm/providers/mock/mock-language-model.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { TaskSpecSchema } from '../task-spec/task-spec.js';
import { reviewClass, reviewFromDecision, reviewTaskId } from './review-class.js';
import { bySampleIndex } from './testing/proposals.js';

const spec = TaskSpecSchema.parse({
  id: 'clamp', name: 'clamp', description: 'Clamp x into [low, high].', language: 'typescript',
  signature: { entryPoint: 'clamp', inputs: [{ name: 'x', type: 'number' }, { name: 'low', type: 'number' }, { name: 'high', type: 'number' }], output: { type: 'number' } },
});
const CODE = 'function clamp(x: number, low: number, high: number): number {\n  if (high === 10) return Math.min(Math.max(x, low), high);\n  return x;\n}';
const reject = JSON.stringify({ verdict: 'reject', reasons: ['returns x unchanged unless high is 10'] });
const accept = JSON.stringify({ verdict: 'accept', reasons: [] });

async function review(answers: readonly string[], options: { k?: number; maxSamples?: number } = {}) {
  const store = new MemoryRunStore();
  await store.createRun({ id: 'run-review', kind: 'solve', model: 'mock', config: {}, createdAt: Date.now() });
  const model = new MockLanguageModel({ responses: bySampleIndex(answers) });
  const outcome = await reviewClass({ model, store, emit: () => undefined }, { runId: 'run-review', spec, classKey: 'abc123', code: CODE, ...options });
  const run = await store.getRun('run-review');
  if (run === undefined) throw new Error('run missing');
  return { outcome, run, model };
}

describe('reviewClass', () => {
  test('a rejection by consensus names its reasons; the review is recorded as a vote of its own', async () => {
    const { outcome, run, model } = await review([reject, 'Looks fine to me!', reject, reject], { k: 2 });
    expect(outcome).toMatchObject({ verdict: 'reject', classKey: 'abc123', taskId: 'review:clamp:abc123', votes: 3, reasons: ['returns x unchanged unless high is 10'] });
    expect(outcome.reason).toBe('the reviewers rejected class abc123 3-0: returns x unchanged unless high is 10');
    expect(run.redFlags.map((hit) => hit.rule)).toEqual(['not-json']);
    expect(run.decisions[0]).toMatchObject({ taskId: reviewTaskId('clamp', 'abc123'), outcome: 'consensus', classKey: 'reject' });
    // The reviewer saw the task, the signature and the code.
    const prompt = model.calls[0]?.messages?.map((message) => message.content).join('\n') ?? '';
    expect(prompt).toContain('Clamp x into [low, high].');
    expect(prompt).toContain('clamp(x: number, low: number, high: number) -> number');
    expect(prompt).toContain('if (high === 10)');
    // Read back from the recorded decision, the outcome is the same.
    const decision = run.decisions[0];
    if (decision === undefined) throw new Error('no decision');
    expect(reviewFromDecision(decision, 'abc123')).toEqual(outcome);
  });

  test('an unavailable reviewer records no decision, so that a resume reviews the class again', async () => {
    const store = new MemoryRunStore();
    await store.createRun({ id: 'run-review-down', kind: 'solve', model: 'mock', config: {}, createdAt: Date.now() });
    const model = new MockLanguageModel({ responses: new ModelUnavailableError({ provider: 'mock', message: 'reviewer down' }) });
    await expect(reviewClass({ model, store, emit: () => undefined }, { runId: 'run-review-down', spec, classKey: 'abc123', code: CODE }))
      .rejects.toMatchObject({ code: 'model_unavailable' });
    expect((await store.getRun('run-review-down'))?.decisions).toEqual([]);
  });

  test('a split review is undecided and keeps the class; a reject without reasons is red-flagged', async () => {
    const bare = JSON.stringify({ verdict: 'reject', reasons: [] });
    const { outcome, run } = await review([reject, accept, bare, accept, reject, accept], { k: 2, maxSamples: 6 });
    expect(outcome.verdict).toBe('undecided');
    expect(outcome.reason).toMatch(/the review of class abc123 was not decided .*; the class stays in the vote/);
    expect(run.redFlags.map((hit) => hit.rule)).toEqual(['schema']);
  });
});
