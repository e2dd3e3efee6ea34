/**
 * The metrics read from a real solve loop (`solveTask` with a scripted model and a memory store; verification and
 * the candidate runner are stubs, so no sandbox is needed) agree with the loop's own result.
 */
import { describe, expect, it } from 'vitest';
import { SUM_POSITIVE_BODY, sumPositiveChat, sumPositiveSpec } from '../../test/fixtures/orchestrate/specs.js';
import type { GenerateOptions } from '../llm/language-model.js';
import { MockLanguageModel } from '../llm/providers/mock/mock-language-model.js';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import { solveTask } from '../orchestrate/solve-task.js';
import type { CandidateRunner } from '../sandbox/candidate-runner.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { createMetrics } from './metrics.js';

const answers = [SUM_POSITIVE_BODY.correct, `${SUM_POSITIVE_BODY.loop}    # TODO\n`, SUM_POSITIVE_BODY.loop, SUM_POSITIVE_BODY.correct, SUM_POSITIVE_BODY.loop, SUM_POSITIVE_BODY.correct];

/** Both correct bodies land in one equivalence class; anything with `abs` in another. */
const runner: CandidateRunner = {
  run: (request) => Promise.resolve({ kind: 'ran', durationMs: 1, outcomes: request.calls.map(() => ({ kind: 'value', value: request.code.includes('abs') ? 'B' : 'A' })) }),
};

async function metricValue(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const base = name.replace(/_(sum|count)$/, '');
  const { values } = await (metrics.registry.getSingleMetric(base) ?? { get: () => Promise.reject(new Error(name)) }).get();
  return (values as readonly { value: number; labels: Record<string, unknown>; metricName?: string }[])
    .find((entry) => (entry.metricName ?? base) === name && Object.entries(labels).every(([key, want]) => entry.labels[key] === want))?.value;
}

describe('createMetrics on a real solveTask', () => {
  it('counts what the solve loop reports: samples, tokens, cost, red flags, verify layers, the vote', async () => {
    const spec = sumPositiveSpec();
    const store = new MemoryRunStore();
    const runId = 'run-metrics';
    await store.createRun({ id: runId, kind: 'test', model: 'mock:priced', config: {}, createdAt: Date.now() });
    await store.recordTask(runId, { taskId: spec.id, spec });
    const metrics = createMetrics({ defaultMetrics: false });
    const events: EngineEvent[] = [];
    const emit = (event: EngineEvent) => { events.push(event); metrics.onEvent(event); };
    emit({ type: 'run-start', runId, at: Date.now(), taskIds: [spec.id], model: 'mock:priced' });
    const model = new MockLanguageModel({
      capabilities: { completionStyle: 'chat', honoursTemperature: true },
      responses: (options: Omit<GenerateOptions, 'signal'>) => ({
        text: sumPositiveChat(answers[Number(options.metadata?.['sampleIndex'])] ?? SUM_POSITIVE_BODY.wrong),
        usage: { inputTokens: 40, outputTokens: 25 }, costUsd: 0.0125,
      }),
    });
    const result = await solveTask({
      model, store, candidateRunner: runner, emit,
      redFlag: ({ text }) => Promise.resolve(text.includes('TODO') ? [{ rule: 'todo-left', reason: 'a TODO in the answer' }] : []),
      verify: (_spec, _code, onLayerEnd) => {
        onLayerEnd({ layer: 'syntax', status: 'pass', reason: 'ok', durationMs: 12 });
        return Promise.resolve({ passed: true, failedLayer: undefined });
      },
    }, { runId, spec, k: 2, maxSamples: 6, signatureInputs: 4 });
    emit({ type: 'run-end', runId, at: Date.now(), status: 'completed' });

    expect(result.outcome).toBe('consensus');
    expect(result.redFlagged).toBeGreaterThan(0);
    expect(events.filter((event) => event.type === 'sample-end').every((event) => event.type === 'sample-end' && event.costUsd === 0.0125)).toBe(true);
    expect(await metricValue(metrics, 'tasks_total', { status: 'success' })).toBe(1);
    expect(await metricValue(metrics, 'samples_total', { model: 'mock:priced' })).toBe(result.samples);
    expect(await metricValue(metrics, 'tokens_total', { model: 'mock:priced', direction: 'input' })).toBe(result.inputTokens);
    expect(await metricValue(metrics, 'tokens_total', { model: 'mock:priced', direction: 'output' })).toBe(result.outputTokens);
    expect(await metricValue(metrics, 'cost_usd_total', { model: 'mock:priced' })).toBeCloseTo(result.costUsd, 12);
    expect(result.costUsd).toBeCloseTo(0.0125 * result.samples, 12);
    expect(await metricValue(metrics, 'red_flags_total', { rule: 'todo-left' })).toBe(result.redFlagsByRule['todo-left']);
    expect(await metricValue(metrics, 'verify_layer_duration_seconds_count', { layer: 'syntax', status: 'pass' })).toBe(result.verified);
    expect(await metricValue(metrics, 'votes_per_decision_sum')).toBe(result.votes);
    expect(await metricValue(metrics, 'decisions_total', { outcome: 'consensus' })).toBe(1);
    expect(await metricValue(metrics, 'task_duration_seconds_count')).toBe(1);
    expect(await metricValue(metrics, 'runs_total', { kind: 'solve', status: 'completed' })).toBe(1);
  });
});
