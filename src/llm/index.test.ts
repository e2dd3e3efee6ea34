import { describe, it, expect } from 'vitest';
import * as llm from './index.js';

describe('llm public entry', () => {
  it('exports the providers, middleware, errors and URI helpers as runtime values', () => {
    const names = [
      'wrapLanguageModel', 'MockLanguageModel', 'ReplayLanguageModel', 'LlamaCppLanguageModel', 'OpenAILanguageModel',
      'AnthropicLanguageModel', 'retryMiddleware', 'timeoutMiddleware', 'circuitBreakerMiddleware',
      'concurrencyLimitMiddleware', 'usageMiddleware', 'UsageTracker', 'createModelStack', 'parseModelUri',
      'createLanguageModel', 'ModelCallError', 'ModelTimeoutError', 'ModelUnavailableError', 'CircuitOpenError',
      'ReplayExhaustedError', 'ReplayDataError', 'MockUnconfiguredError', 'ModelEmptyAnswerError', 'ModelRefusedError',
      'modelPricingFor', 'flatPricing', 'lookupPackagePricing', 'retryAfterMsOf', 'defaultModelTimeoutMs',
    ] as const;
    for (const name of names) expect(typeof llm[name], name).toBe('function');
  });

  it('builds a working stack from a URI through the entry alone', async () => {
    const usage = new llm.UsageTracker({ prices: { mock: { inputUsdPerMillionTokens: 1, outputUsdPerMillionTokens: 1 } } });
    const model = llm.createModelStack(await llm.createLanguageModel('mock:ok'), { retry: true, usage });
    const result = await model.generate({ prompt: 'one two' });
    expect(result.text).toBe('ok');
    expect(result.costUsd).toBeCloseTo(3 / 1e6, 12);
  });
});
