import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wrapLanguageModel } from '../llm/language-model.js';
import { circuitBreakerMiddleware } from '../llm/middleware/circuit-breaker.js';
import { createModelStack } from '../llm/middleware/model-stack.js';
import { ModelCallError } from '../llm/model-errors.js';
import { ModelRouter } from '../llm/router/model-router.js';
import { MockLanguageModel } from '../llm/providers/mock/mock-language-model.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { EngineEventType } from '../orchestrate/engine-events.js';
import { ALL_EVENTS, BUILD_SESSION_1, BUILD_SESSION_2, FAILED_RUN, SOLVE_RUN } from '../../test/fixtures/telemetry/engine-event-sequence.js';
import { createMetrics, type EngineMetrics } from './metrics.js';

/** The value of one series (`name` may end in `_bucket`, `_sum`, `_count` for a histogram). */
async function value(metrics: EngineMetrics, name: string, labels: Record<string, string | number> = {}): Promise<number | undefined> {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const metric = metrics.registry.getSingleMetric(metrics.registry.getSingleMetric(name) === undefined ? base : name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = (values as readonly { value: number; labels: Partial<Record<string, string | number>>; metricName?: string }[])
    .find((entry) => (entry.metricName ?? base) === name
    && Object.keys(labels).length === Object.keys(entry.labels).length
    && Object.entries(labels).every(([key, expected]) => entry.labels[key] === expected));
  return found?.value;
}

const EVERY_EVENT_TYPE: Record<EngineEventType, true> = {
  'run-start': true, 'task-start': true, 'sample-end': true, 'sample-failed': true, 'sample-red-flagged': true, 'verify-layer-end': true,
  'candidate-verified': true, 'vote-cast': true, 'vote-decided': true, 'task-escalated': true, 'task-end': true, 'nodes-created': true,
  'task-settled': true, 'commit-created': true, 'integration-end': true, 'run-end': true,
};

describe('createMetrics', () => {
  afterEach(() => vi.useRealTimers());

  it('the fixture covers every event type', () => {
    expect(new Set(ALL_EVENTS.map((event) => event.type))).toEqual(new Set(Object.keys(EVERY_EVENT_TYPE)));
  });

  it('counts tasks by status, with every status present from the start', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    expect(await value(metrics, 'tasks_total', { status: 'success' })).toBe(0);
    expect(await value(metrics, 'tasks_total', { status: 'failed' })).toBe(0);
    for (const event of ALL_EVENTS) metrics.onEvent(event);
    expect(await value(metrics, 'tasks_total', { status: 'success' })).toBe(3);
    expect(await value(metrics, 'tasks_total', { status: 'escalated' })).toBe(1);
    expect(await value(metrics, 'tasks_total', { status: 'failed' })).toBe(1);
  });

  it('measures task duration from task-start to task-end of the same run and task', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const event of ALL_EVENTS) metrics.onEvent(event);
    expect(await value(metrics, 'task_duration_seconds_count')).toBe(5);
    expect(await value(metrics, 'task_duration_seconds_sum')).toBeCloseTo(4.2 + 1.03 + 0.6 + 1.5 + 1.2, 9);
    expect(await value(metrics, 'task_duration_seconds_bucket', { le: 0.5 })).toBe(0);
    expect(await value(metrics, 'task_duration_seconds_bucket', { le: 1 })).toBe(1);
    expect(await value(metrics, 'task_duration_seconds_bucket', { le: 2.5 })).toBe(4);
    expect(await value(metrics, 'task_duration_seconds_bucket', { le: 5 })).toBe(5);
  });

  it('counts errors, samples, tokens and cost per model (resumed samples not again)', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const event of ALL_EVENTS) metrics.onEvent(event);
    expect(await value(metrics, 'errors_total', { error_type: 'model_timeout' })).toBe(1);
    expect(await value(metrics, 'errors_total', { error_type: 'model_unavailable' })).toBe(1);
    expect(await value(metrics, 'errors_total', { error_type: 'run_failed' })).toBe(1);
    expect(await value(metrics, 'samples_total', { model: 'replay:codet' })).toBe(5);
    expect(await value(metrics, 'samples_total', { model: 'llama-cpp:./m.gguf' })).toBe(3);
    expect(await value(metrics, 'samples_total', { model: 'openai:gpt-4o' })).toBeUndefined();
    expect(await value(metrics, 'tokens_total', { model: 'replay:codet', direction: 'input' })).toBe(480);
    expect(await value(metrics, 'tokens_total', { model: 'replay:codet', direction: 'output' })).toBe(205);
    expect(await value(metrics, 'tokens_total', { model: 'llama-cpp:./m.gguf', direction: 'input' })).toBe(700);
    expect(await value(metrics, 'tokens_total', { model: 'llama-cpp:./m.gguf', direction: 'output' })).toBe(320);
    expect(await value(metrics, 'cost_usd_total', { model: 'replay:codet' })).toBeCloseTo(0.004, 12);
    expect(await value(metrics, 'cost_usd_total', { model: 'llama-cpp:./m.gguf' })).toBeUndefined();
  });

  it('counts red flags by rule, verify layer durations by layer and status, votes and decisions', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const event of ALL_EVENTS) metrics.onEvent(event);
    expect(await value(metrics, 'red_flags_total', { rule: 'over-token-cap' })).toBe(1);
    expect(await value(metrics, 'red_flags_total', { rule: 'unbalanced-delimiters' })).toBe(1);
    expect(await value(metrics, 'red_flags_total', { rule: 'no-code' })).toBe(2);
    expect(await value(metrics, 'verify_layer_duration_seconds_count', { layer: 'syntax', status: 'pass' })).toBe(6);
    expect(await value(metrics, 'verify_layer_duration_seconds_sum', { layer: 'syntax', status: 'pass' })).toBeCloseTo(0.039, 12);
    expect(await value(metrics, 'verify_layer_duration_seconds_sum', { layer: 'types', status: 'pass' })).toBeCloseTo(1.5, 12);
    expect(await value(metrics, 'verify_layer_duration_seconds_count', { layer: 'unit-tests', status: 'fail' })).toBe(1);
    expect(await value(metrics, 'verify_layer_duration_seconds_bucket', { layer: 'unit-tests', status: 'fail', le: 0.25 })).toBe(0);
    expect(await value(metrics, 'verify_layer_duration_seconds_bucket', { layer: 'unit-tests', status: 'fail', le: 0.5 })).toBe(1);
    expect(await value(metrics, 'votes_per_decision_count')).toBe(3);
    expect(await value(metrics, 'votes_per_decision_sum')).toBe(5);
    expect(await value(metrics, 'votes_per_decision_bucket', { le: 1 })).toBe(1);
    expect(await value(metrics, 'decisions_total', { outcome: 'consensus' })).toBe(2);
    expect(await value(metrics, 'decisions_total', { outcome: 'best-partial' })).toBe(1);
    expect(await value(metrics, 'decisions_total', { outcome: 'escalated' })).toBe(1);
    expect(await value(metrics, 'decisions_total', { outcome: 'model-unavailable' })).toBe(1);
  });

  it('counts runs by kind and status, build commits and integration runs', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const event of ALL_EVENTS) metrics.onEvent(event);
    expect(await value(metrics, 'runs_total', { kind: 'solve', status: 'completed' })).toBe(1);
    expect(await value(metrics, 'runs_total', { kind: 'solve', status: 'failed' })).toBe(1);
    expect(await value(metrics, 'runs_total', { kind: 'build', status: 'paused' })).toBe(1);
    expect(await value(metrics, 'runs_total', { kind: 'build', status: 'completed' })).toBe(1);
    expect(await value(metrics, 'build_commits_total')).toBe(4);
    expect(await value(metrics, 'integration_runs_total', { passed: 'false' })).toBe(1);
    expect(await value(metrics, 'integration_runs_total', { passed: 'true' })).toBe(1);
  });

  it('keeps escalations_open: opened by task-escalated, closed by settling, decomposing or the end of the run', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const openAfter = async (events: readonly (typeof ALL_EVENTS)[number][]): Promise<number[]> => {
      const seen: number[] = [];
      for (const event of events) {
        metrics.onEvent(event);
        if (['task-escalated', 'task-settled', 'nodes-created', 'run-end'].includes(event.type)) seen.push((await value(metrics, 'escalations_open')) ?? NaN);
      }
      return seen;
    };
    // Solve run: t2 escalated (1), the run ends completed (0).
    expect(await openAfter(SOLVE_RUN)).toEqual([1, 0]);
    expect(await openAfter(FAILED_RUN)).toEqual([0]);
    // Build: decompose:root escalated (1), nodes-created answers it (0), a and b settled, b escalated (1), paused: stays open.
    expect(await openAfter(BUILD_SESSION_1)).toEqual([1, 0, 0, 0, 1, 1]);
    // Resumed: b settled by a person (0).
    expect(await openAfter(BUILD_SESSION_2)).toEqual([0, 0]);
  });

  it('renders the text format with an optional prefix, on the registry given, with default process metrics', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry, prefix: 'zerr_' });
    for (const event of SOLVE_RUN) metrics.onEvent(event);
    expect(metrics.registry).toBe(registry);
    expect(metrics.contentType).toContain('text/plain');
    const text = await metrics.render();
    expect(text).toContain('zerr_tasks_total{status="success"} 1');
    expect(text).toContain('zerr_tasks_total{status="escalated"} 1');
    expect(text).toContain('zerr_process_cpu_user_seconds_total');
    expect(text).not.toMatch(/^tasks_total/m);
  });

  it('two metric sets live side by side on their own registries (no global state)', async () => {
    const first = createMetrics();
    const second = createMetrics();
    for (const event of SOLVE_RUN) first.onEvent(event);
    expect(await value(first, 'tasks_total', { status: 'success' })).toBe(1);
    expect(await value(second, 'tasks_total', { status: 'success' })).toBe(0);
    expect(() => createMetrics({ registry: first.registry })).toThrow(/already been registered/);
  });

  it('rejects bad options with InvalidArgumentError naming the field', () => {
    expect(() => createMetrics({ prefix: 'bad-prefix' })).toThrow(InvalidArgumentError);
    expect(() => createMetrics({ prefix: 'bad-prefix' })).toThrow(/options\.prefix/);
    expect(() => createMetrics({ registry: {} as Registry })).toThrow(/options\.registry/);
  });

  it('names a run whose run-start it did not see "unknown" and still counts it', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const event of SOLVE_RUN.slice(1)) metrics.onEvent(event);
    expect(await value(metrics, 'samples_total', { model: 'unknown' })).toBe(5);
    expect(await value(metrics, 'runs_total', { kind: 'solve', status: 'completed' })).toBe(1);
  });

  it('circuit_breaker_state follows a real circuit breaker through OPEN, HALF_OPEN and CLOSED', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const metrics = createMetrics({ defaultMetrics: false });
    let release: (() => void) | undefined;
    let mode: 'fail' | 'hold' = 'fail';
    const model = new MockLanguageModel({
      responses: () => (mode === 'fail'
        ? new ModelCallError({ provider: 'mock', message: '500', statusCode: 500, isRetryable: true })
        : new Promise<string>((resolve) => { release = () => resolve('ok'); })),
    });
    const breaker = circuitBreakerMiddleware({ consecutiveFailures: 2, halfOpenAfterMs: 1000 });
    const wrapped = wrapLanguageModel(model, breaker);
    const stop = metrics.observeCircuitBreaker('mock:a', breaker);
    const state = () => value(metrics, 'circuit_breaker_state', { model: 'mock:a' });
    expect(await state()).toBe(0);
    for (let i = 0; i < 2; i += 1) await expect(wrapped.generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    expect(await state()).toBe(2);
    vi.advanceTimersByTime(1001);
    mode = 'hold';
    const trial = wrapped.generate({ prompt: 'p' });
    await vi.waitFor(() => expect(release).toBeDefined());
    expect(breaker.state).toBe('HALF_OPEN');
    expect(await state()).toBe(1);
    release?.();
    expect((await trial).text).toBe('ok');
    expect(await state()).toBe(0);
    stop();
    mode = 'fail';
    for (let i = 0; i < 2; i += 1) await expect(wrapped.generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    expect(breaker.state).toBe('OPEN');
    expect(await state()).toBe(0);
  });

  it('reads an already open breaker when it starts following it', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const stop = metrics.observeCircuitBreaker('m', { state: 'OPEN', onStateChange: () => () => undefined });
    expect(await value(metrics, 'circuit_breaker_state', { model: 'm' })).toBe(2);
    stop();
  });
});

describe('model routes', () => {
  it('counts each member\'s calls by result, the handovers, and follows each member\'s breaker', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const failing = new MockLanguageModel({ modelId: 'F', responses: new ModelCallError({ provider: 'openai', message: 'HTTP 500', statusCode: 500, isRetryable: true }) });
    const remote = createModelStack(failing, { retry: false, timeoutMs: false, circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    const router = new ModelRouter({ route: 'coder', mix: [{ name: 'remote', model: remote, weight: 1 }], fallback: [{ name: 'local', model: new MockLanguageModel({ responses: 'ok' }) }] });
    const stop = metrics.observeModelRouter(router);
    expect(await value(metrics, 'model_calls_total', { route: 'coder', model: 'local', result: 'answered' })).toBe(0);
    for (let i = 0; i < 3; i += 1) await router.generate({ prompt: 'p' });
    expect(await value(metrics, 'model_calls_total', { route: 'coder', model: 'remote', result: 'model_call_failed' })).toBe(2);
    expect(await value(metrics, 'model_calls_total', { route: 'coder', model: 'remote', result: 'circuit_open' })).toBe(1);
    expect(await value(metrics, 'model_calls_total', { route: 'coder', model: 'local', result: 'answered' })).toBe(3);
    expect(await value(metrics, 'model_handovers_total', { route: 'coder', from: 'remote', to: 'local' })).toBe(3);
    expect(await value(metrics, 'circuit_breaker_state', { model: 'remote' })).toBe(2);
    stop();
    await router.generate({ prompt: 'p' });
    expect(await value(metrics, 'model_calls_total', { route: 'coder', model: 'local', result: 'answered' })).toBe(3);
  });

  it('a routed run counts samples, tokens and cost under the model that answered', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.onEvent({ type: 'run-start', runId: 'r', at: 1, taskIds: ['t'], model: 'route:coder' });
    const end = { type: 'sample-end', runId: 'r', at: 2, taskId: 't', temperature: 0, promptVariant: 'direct', outputTokens: 5, inputTokens: 7, latencyMs: 1, finishReason: 'stop', costUsd: 0.25 } as const;
    metrics.onEvent({ ...end, sampleIndex: 0, model: 'cloud' });
    metrics.onEvent({ ...end, sampleIndex: 1, model: 'local' });
    metrics.onEvent({ ...end, sampleIndex: 2, model: 'cloud' });
    expect(await value(metrics, 'samples_total', { model: 'cloud' })).toBe(2);
    expect(await value(metrics, 'samples_total', { model: 'local' })).toBe(1);
    expect(await value(metrics, 'cost_usd_total', { model: 'cloud' })).toBe(0.5);
    expect(await value(metrics, 'tokens_total', { model: 'local', direction: 'input' })).toBe(7);
    // A run on one model keeps its own name as the label, whatever id the provider reports.
    metrics.onEvent({ type: 'run-start', runId: 'one', at: 3, taskIds: ['t'], model: 'openai:gpt-4.1-mini' });
    metrics.onEvent({ ...end, runId: 'one', sampleIndex: 0, model: 'gpt-4.1-mini-2025-04-14' });
    expect(await value(metrics, 'samples_total', { model: 'openai:gpt-4.1-mini' })).toBe(1);
  });
});
