import { describe, it, expect } from 'vitest';
import { wrapLanguageModel } from '../language-model.js';
import { ModelCallError, ModelEmptyAnswerError, ModelRefusedError, ModelUnavailableError } from '../model-errors.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { retryMiddleware, type RetryEvent } from './retry.js';

const retryable = (retryAfterMs?: number): ModelCallError => new ModelCallError({
  provider: 'mock', message: '429', statusCode: 429, isRetryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('retryMiddleware (cockatiel retry + ExponentialBackoff)', () => {
  it('retries retryable errors with jittered exponential backoff and returns the first success with its attempts', async () => {
    const model = new MockLanguageModel({ responses: [retryable(), retryable(), retryable(), 'ok'] });
    const events: RetryEvent[] = [];
    const wrapped = wrapLanguageModel(model, retryMiddleware({ initialDelayMs: 10, maxDelayMs: 1_000, onRetry: (event) => events.push(event) }));
    const result = await wrapped.generate({ prompt: 'p' });
    expect(result).toMatchObject({ text: 'ok', attempts: 4 });
    expect(model.calls).toHaveLength(4);
    expect(events.map((event) => event.attempt)).toEqual([1, 2, 3]);
    // Decorrelated jitter: every wait within [0, maxDelayMs], and not all the same (random per retry).
    for (const event of events) expect(event.delayMs).toBeGreaterThanOrEqual(0);
    for (const event of events) expect(event.delayMs).toBeLessThanOrEqual(1_000);
  });

  it('waits at least the Retry-After the server asked for, measured by the clock', async () => {
    const model = new MockLanguageModel({ responses: [retryable(300), 'ok'] });
    const events: RetryEvent[] = [];
    const wrapped = wrapLanguageModel(model, retryMiddleware({ initialDelayMs: 1, onRetry: (event) => events.push(event) }));
    const started = performance.now();
    await wrapped.generate({ prompt: 'p' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(events[0]).toMatchObject({ retryAfterMs: 300, delayMs: 300 });
  });

  it('does not retry a failure whose Retry-After is longer than maxRetryAfterMs', async () => {
    const error = retryable(120_000);
    const model = new MockLanguageModel({ responses: [error, 'ok'] });
    await expect(wrapLanguageModel(model, retryMiddleware({ maxRetryAfterMs: 60_000 })).generate({ prompt: 'p' })).rejects.toBe(error);
    expect(model.calls).toHaveLength(1);
  });

  it('gives up after maxRetries retries and rethrows the last error with its attempts', async () => {
    const last = retryable();
    const model = new MockLanguageModel({ responses: [retryable(), last, 'never'] });
    const wrapped = wrapLanguageModel(model, retryMiddleware({ maxRetries: 1, initialDelayMs: 0 }));
    await expect(wrapped.generate({ prompt: 'p' })).rejects.toBe(last);
    expect(last.attempts).toBe(2);
    expect(model.calls).toHaveLength(2);
  });

  it('makes one attempt with maxRetries 0', async () => {
    const model = new MockLanguageModel({ responses: [retryable(), 'ok'] });
    await expect(wrapLanguageModel(model, retryMiddleware({ maxRetries: 0 })).generate({ prompt: 'p' })).rejects.toBeInstanceOf(ModelCallError);
    expect(model.calls).toHaveLength(1);
  });

  it.each([
    ['ModelUnavailableError', new ModelUnavailableError({ provider: 'mock', message: 'down' })],
    ['non-retryable ModelCallError', new ModelCallError({ provider: 'mock', message: '400', isRetryable: false })],
    ['an empty answer', new ModelEmptyAnswerError({ provider: 'mock', url: 'u', finishReason: 'stop' })],
    ['a refusal', new ModelRefusedError({ provider: 'mock', refusal: 'no' })],
    ['AbortError', new DOMException('aborted', 'AbortError')],
  ])('never retries %s', async (_name, error) => {
    const model = new MockLanguageModel({ responses: [error, 'ok'] });
    await expect(wrapLanguageModel(model, retryMiddleware({ initialDelayMs: 0 })).generate({ prompt: 'p' })).rejects.toBe(error);
    expect(model.calls).toHaveLength(1);
  });

  it('stops waiting and rejects with the abort reason when the caller aborts during backoff', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModel({ responses: [retryable(60_000), 'ok'] });
    const wrapped = wrapLanguageModel(model, retryMiddleware({ onRetry: () => controller.abort() }));
    const started = performance.now();
    await expect(wrapped.generate({ prompt: 'p', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(model.calls).toHaveLength(1);
  });

  it('rejects bad options naming the field', () => {
    expect(() => retryMiddleware({ maxRetries: -1 })).toThrow(expect.objectContaining({ parameter: 'options.maxRetries' }));
    expect(() => retryMiddleware({ initialDelayMs: -5 })).toThrow(expect.objectContaining({ parameter: 'options.initialDelayMs' }));
  });
});
