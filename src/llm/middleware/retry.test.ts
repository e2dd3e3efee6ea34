import { describe, it, expect } from 'vitest';
import { wrapLanguageModel } from '../language-model.js';
import { ModelCallError, ModelUnavailableError } from '../model-errors.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { retryMiddleware } from './retry.js';

const retryable = (): ModelCallError => new ModelCallError({ provider: 'mock', message: '429', statusCode: 429, isRetryable: true });

describe('retryMiddleware', () => {
  it('retries retryable errors with doubling delays and returns the first success', async () => {
    const model = new MockLanguageModel({ responses: [retryable(), retryable(), 'ok'] });
    const delays: number[] = [];
    const wrapped = wrapLanguageModel(model, retryMiddleware({ initialDelayMs: 1, onRetry: (event) => delays.push(event.delayMs) }));
    expect((await wrapped.generate({ prompt: 'p' })).text).toBe('ok');
    expect(model.calls).toHaveLength(3);
    expect(delays).toEqual([1, 2]);
  });

  it('gives up after maxAttempts total attempts and rethrows the last error', async () => {
    const last = retryable();
    const model = new MockLanguageModel({ responses: [retryable(), last, 'never'] });
    const wrapped = wrapLanguageModel(model, retryMiddleware({ maxAttempts: 2, initialDelayMs: 0 }));
    await expect(wrapped.generate({ prompt: 'p' })).rejects.toBe(last);
    expect(model.calls).toHaveLength(2);
  });

  it.each([
    ['ModelUnavailableError', new ModelUnavailableError({ provider: 'mock', message: 'down' })],
    ['non-retryable ModelCallError', new ModelCallError({ provider: 'mock', message: '400', isRetryable: false })],
    ['AbortError', new DOMException('aborted', 'AbortError')],
  ])('never retries %s', async (_name, error) => {
    const model = new MockLanguageModel({ responses: [error, 'ok'] });
    await expect(wrapLanguageModel(model, retryMiddleware({ initialDelayMs: 0 })).generate({ prompt: 'p' })).rejects.toBe(error);
    expect(model.calls).toHaveLength(1);
  });

  it('stops waiting and rejects with the abort reason when the caller aborts during backoff', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModel({ responses: [retryable(), 'ok'] });
    const wrapped = wrapLanguageModel(model, retryMiddleware({ initialDelayMs: 60_000, onRetry: () => controller.abort() }));
    await expect(wrapped.generate({ prompt: 'p', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(model.calls).toHaveLength(1);
  });

  it('rejects bad options', () => {
    expect(() => retryMiddleware({ maxAttempts: 0 })).toThrow(expect.objectContaining({ parameter: 'options.maxAttempts' }));
  });
});
