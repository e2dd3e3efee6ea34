import { describe, it, expect } from 'vitest';
import { wrapLanguageModel } from '../language-model.js';
import { ModelCallError } from '../model-errors.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { flatPricing } from '../model-pricing.js';
import { UsageTracker } from './usage-tracker.js';
import { usageMiddleware } from './usage.js';

const prices = { 'priced-model': { inputUsdPerMillionTokens: 2, outputUsdPerMillionTokens: 8 } };

describe('usageMiddleware and UsageTracker', () => {
  it('prices calls from the table and accumulates totals per model', async () => {
    const tracker = new UsageTracker({ prices });
    const model = new MockLanguageModel({
      modelId: 'priced-model',
      responses: [
        { text: 'a', usage: { inputTokens: 1_000_000, outputTokens: 500_000 } },
        new ModelCallError({ provider: 'mock', message: 'x', isRetryable: true }),
        { text: 'b', usage: { inputTokens: 10, outputTokens: 20 } },
      ],
    });
    const wrapped = wrapLanguageModel(model, usageMiddleware({ tracker, modelId: model.modelId }));
    const first = await wrapped.generate({ prompt: 'p' });
    expect(first.costUsd).toBeCloseTo(2 + 4, 10);
    await expect(wrapped.generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    await wrapped.generate({ prompt: 'p' });
    const totals = tracker.usageOf('priced-model');
    expect(totals).toMatchObject({ calls: 3, failures: 1, inputTokens: 1_000_010, outputTokens: 500_020, unpricedCalls: 0 });
    expect(totals.costUsd).toBeCloseTo(6 + (10 * 2 + 20 * 8) / 1e6, 10);
    expect(totals.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(tracker.snapshot())).toEqual(['priced-model']);
  });

  it('leaves cost undefined for a model without a price', async () => {
    const tracker = new UsageTracker({ prices });
    const model = new MockLanguageModel({ modelId: 'unknown-model', responses: 'x' });
    const result = await wrapLanguageModel(model, usageMiddleware({ tracker, modelId: model.modelId })).generate({ prompt: 'p' });
    expect(result.costUsd).toBeUndefined();
    expect(tracker.usageOf('unknown-model')).toMatchObject({ calls: 1, costUsd: undefined, unpricedCalls: 1 });
  });

  it('prices by the configured model id when the provider reports a dated id', async () => {
    const tracker = new UsageTracker({ prices });
    const model = new MockLanguageModel({ responses: { text: 'x', modelId: 'priced-model-2025-01-01', usage: { inputTokens: 1e6, outputTokens: 0 } } });
    const result = await wrapLanguageModel(model, usageMiddleware({ tracker, modelId: 'priced-model' })).generate({ prompt: 'p' });
    expect(result.costUsd).toBe(2);
  });

  it('prices every answered call of a priced mock model from its ModelPricing, without a tracker too', async () => {
    const model = new MockLanguageModel({ responses: [{ text: 'a', usage: { inputTokens: 2_000, outputTokens: 500 } }, { text: 'b', usage: { inputTokens: 0, outputTokens: 0 } }] });
    const pricing = flatPricing({ inputUsdPerMTok: 3, outputUsdPerMTok: 15, source: 'test' });
    const wrapped = wrapLanguageModel(model, usageMiddleware({ pricing, modelId: model.modelId }));
    expect((await wrapped.generate({ prompt: 'p' })).costUsd).toBeCloseTo((2_000 * 3 + 500 * 15) / 1e6, 12);
    expect((await wrapped.generate({ prompt: 'p' })).costUsd).toBe(0);
    expect(() => flatPricing({ inputUsdPerMTok: Number.NaN, outputUsdPerMTok: 1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', parameter: 'pricing.inputUsdPerMTok' }),
    );
  });

  it('rejects a negative price', () => {
    expect(() => new UsageTracker({ prices: { m: { inputUsdPerMillionTokens: -1, outputUsdPerMillionTokens: 0 } } })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', parameter: 'options.prices.m.inputUsdPerMillionTokens' }),
    );
  });
});
