import { describe, it, expect } from 'vitest';
import { wrapLanguageModel, type LanguageModel } from '../language-model.js';
import { ModelCallError, ModelTimeoutError } from '../model-errors.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { timeoutMiddleware } from './timeout.js';

const never = (): Promise<string> => new Promise<string>(() => undefined);

describe('timeoutMiddleware', () => {
  it('turns a call that outlives timeoutMs into a retryable ModelTimeoutError', async () => {
    const wrapped = wrapLanguageModel(new MockLanguageModel({ responses: never }), timeoutMiddleware({ timeoutMs: 5, provider: 'mock' }));
    const error = await wrapped.generate({ prompt: 'p' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ code: 'model_timeout', isRetryable: true, timeoutMs: 5 });
  });

  it('passes a merged signal to the model and keeps a caller abort as an abort', async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const model: LanguageModel = {
      provider: 'spy',
      modelId: 'spy',
      capabilities: { completionStyle: 'chat', jsonSchema: false, honoursTemperature: false },
      close: async () => undefined,
      generate: (options) => {
        seen.push(options.signal);
        return new Promise<never>((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason)));
      },
    };
    const controller = new AbortController();
    const pending = wrapLanguageModel(model, timeoutMiddleware({ timeoutMs: 60_000 })).generate({ prompt: 'p', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen[0]).not.toBe(controller.signal);
    expect(seen[0]?.aborted).toBe(true);
  });

  it('ends a call whose model ignores the signal at the limit (aggressive), and aborts the signal it was given', async () => {
    const seen: AbortSignal[] = [];
    const model: LanguageModel = {
      provider: 'deaf', modelId: 'deaf', capabilities: { completionStyle: 'chat', jsonSchema: false, honoursTemperature: false },
      close: async () => undefined,
      generate: (options) => {
        if (options.signal !== undefined) seen.push(options.signal);
        return new Promise<never>(() => undefined);
      },
    };
    const started = performance.now();
    const error = await wrapLanguageModel(model, timeoutMiddleware({ timeoutMs: 50, provider: 'deaf' })).generate({ prompt: 'p' }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'model_timeout', timeoutMs: 50 });
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1_000);
    expect(seen[0]?.aborted).toBe(true);
  });

  it('rejects a bad timeoutMs naming the field', () => {
    expect(() => timeoutMiddleware({ timeoutMs: 0 })).toThrow(expect.objectContaining({ parameter: 'options.timeoutMs' }));
  });

  it('returns results of calls that finish in time unchanged', async () => {
    const wrapped = wrapLanguageModel(new MockLanguageModel({ responses: 'fast' }), timeoutMiddleware({ timeoutMs: 60_000 }));
    expect((await wrapped.generate({ prompt: 'p' })).text).toBe('fast');
  });
});
