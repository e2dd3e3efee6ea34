import { describe, it, expect } from 'vitest';
import { ModelCallError, CircuitOpenError } from '../model-errors.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { createModelStack, defaultModelTimeoutMs } from './model-stack.js';
import { flatPricing } from '../model-pricing.js';
import { UsageTracker } from './usage-tracker.js';

describe('createModelStack', () => {
  it('keeps the model identity and closes the model', async () => {
    const model = new MockLanguageModel({ modelId: 'm', responses: 'x', capabilities: { completionStyle: 'continuation' } });
    const stack = createModelStack(model, { maxConcurrency: 2, retry: true, circuitBreaker: true, timeoutMs: 60_000 });
    expect([stack.provider, stack.modelId, stack.capabilities]).toEqual(['mock', 'm', model.capabilities]);
    expect(stack.circuitBreaker?.state).toBe('CLOSED');
    expect(stack.concurrencyLimit?.activeCount).toBe(0);
    await stack.close();
    expect(model.closeCount).toBe(1);
  });

  it('retries by default and prices answers with the given pricing; retry: false turns retrying off', async () => {
    const failing = (): ModelCallError => new ModelCallError({ provider: 'mock', message: '500', statusCode: 500, isRetryable: true });
    const model = new MockLanguageModel({ responses: [failing(), { text: 'ok', usage: { inputTokens: 1e6, outputTokens: 0 } }] });
    const stack = createModelStack(model, { pricing: flatPricing({ inputUsdPerMTok: 2, outputUsdPerMTok: 8 }) });
    expect(await stack.generate({ prompt: 'p' })).toMatchObject({ text: 'ok', attempts: 2, costUsd: 2 });
    const once = new MockLanguageModel({ responses: [failing(), 'ok'] });
    await expect(createModelStack(once, { retry: false }).generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    expect(once.calls).toHaveLength(1);
    expect([defaultModelTimeoutMs('openai'), defaultModelTimeoutMs('llama-cpp')]).toEqual([120_000, 600_000]);
  });

  it('retries a timed-out attempt with a fresh timeout and records every attempt in usage', async () => {
    const model = new MockLanguageModel({
      responses: (_options, index) => (index === 0 ? new Promise<string>(() => undefined) : { text: 'ok', usage: { inputTokens: 3, outputTokens: 4 } }),
    });
    const usage = new UsageTracker();
    const stack = createModelStack(model, { retry: { initialDelayMs: 0 }, timeoutMs: 5, usage });
    expect((await stack.generate({ prompt: 'p' })).text).toBe('ok');
    expect(usage.usageOf('mock-model')).toMatchObject({ calls: 2, failures: 1, inputTokens: 3, outputTokens: 4 });
  });

  it('stops retrying as soon as the breaker opens (circuit_open is not retryable)', async () => {
    const model = new MockLanguageModel({
      responses: () => new ModelCallError({ provider: 'mock', message: '503', statusCode: 503, isRetryable: true }),
    });
    const usage = new UsageTracker();
    const stack = createModelStack(model, {
      retry: { maxRetries: 10, initialDelayMs: 0 },
      circuitBreaker: { consecutiveFailures: 2 },
      usage,
    });
    await expect(stack.generate({ prompt: 'p' })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(model.calls).toHaveLength(2);
    expect(usage.usageOf('mock-model')).toMatchObject({ calls: 2, failures: 2 });
    expect(stack.circuitBreaker?.state).toBe('OPEN');
  });
});
