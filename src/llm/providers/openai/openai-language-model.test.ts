import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { OpenAILanguageModel } from './openai-language-model.js';
import { ModelCallError, ModelUnavailableError } from '../../model-errors.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { startFakeModelServer, unusedPort, type FakeModelServer } from '../../../../test/fixtures/llm/fake-model-server.js';

describe('OpenAILanguageModel against a fake server', () => {
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer();
  });
  afterAll(async () => {
    await server.close();
  });
  const create = (model: string, extra: { mode?: 'chat' | 'completions' } = {}): OpenAILanguageModel =>
    new OpenAILanguageModel({ model, baseURL: `${server.url}/v1`, apiKey: 'test-key', ...extra });

  it('sends chat requests with mapped parameters and returns the server text and usage', async () => {
    const model = create('coder');
    const jsonSchema = { type: 'object', properties: { a: { type: 'number' } } };
    const result = await model.generate({
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
      temperature: 0.2, topP: 0.9, maxOutputTokens: 64, seed: 7, stop: ['a', 'b', 'c', 'd', 'e'], jsonSchema,
    });
    expect(result).toMatchObject({ text: 'r', finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 5 }, modelId: 'coder-served' });
    const request = server.requests.at(-1);
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body).toMatchObject({
      model: 'coder', temperature: 0.2, top_p: 0.9, max_tokens: 64, seed: 7, stop: ['a', 'b', 'c', 'd'],
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: jsonSchema, strict: true } },
    });
    expect(model.capabilities).toEqual({ completionStyle: 'chat', jsonSchema: true, honoursTemperature: true });
  });

  it('returns the full text when no stop sequence applies', async () => {
    const result = await create('coder').generate({ prompt: 'write f' });
    expect(result.text).toBe('reply to: write f');
    expect(server.requests.at(-1)?.body['messages']).toEqual([{ role: 'user', content: 'write f' }]);
  });

  it('uses /v1/completions in completions mode (continuation style)', async () => {
    const model = create('base', { mode: 'completions' });
    const result = await model.generate({ prompt: 'def f():' });
    expect(result).toMatchObject({ text: 'reply to: def f():', finishReason: 'length' });
    expect(server.requests.at(-1)?.path).toBe('/v1/completions');
    expect(model.capabilities.completionStyle).toBe('continuation');
    await expect(model.generate({ prompt: 'x', jsonSchema: {} })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it.each([
    [429, true],
    [500, true],
    [503, true],
    [408, true],
    [400, false],
    [422, false],
  ])('maps HTTP %i to ModelCallError isRetryable=%s', async (status, isRetryable) => {
    const error = await create(`status-${status}`).generate({ prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ code: 'model_call_failed', statusCode: status, isRetryable });
  });

  it.each([401, 403, 404])('maps HTTP %i to ModelUnavailableError naming the URL', async (status) => {
    const error = await create(`status-${status}`).generate({ prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain(`${server.url}/v1`);
  });

  it('reads Retry-After (seconds) of a 429 into retryAfterMs', async () => {
    const error = await create('status-429-retry-after-2').generate({ prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'model_call_failed', statusCode: 429, isRetryable: true, retryAfterMs: 2000 });
  });

  it('turns content null into model_empty_answer and a refusal into model_refused (never an empty sample)', async () => {
    await expect(create('empty').generate({ prompt: 'x' })).rejects.toMatchObject({ code: 'model_empty_answer', isRetryable: false });
    await expect(create('refuse').generate({ prompt: 'x' })).rejects.toMatchObject({
      code: 'model_refused', refusal: 'I cannot help with that.', isRetryable: false,
    });
  });

  it('never invents text for a response without choices', async () => {
    await expect(create('no-choices').generate({ prompt: 'x' })).rejects.toMatchObject({ code: 'model_call_failed' });
  });

  it('aborts an in-flight request with the signal reason', async () => {
    const controller = new AbortController();
    server.onRequest = () => controller.abort();
    try {
      await expect(create('hang').generate({ prompt: 'x', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      server.onRequest = undefined;
    }
  });
});

describe('OpenAILanguageModel without a server', () => {
  it('maps connection refused to ModelUnavailableError naming the URL', async () => {
    const baseURL = `http://127.0.0.1:${await unusedPort()}/v1`;
    const error = await new OpenAILanguageModel({ model: 'm', baseURL }).generate({ prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain(baseURL);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('rejects a bad baseURL with InvalidArgumentError', () => {
    expect(() => new OpenAILanguageModel({ model: 'm', baseURL: 'not a url' })).toThrow(
      expect.objectContaining({ parameter: 'options.baseURL' }),
    );
  });
});
