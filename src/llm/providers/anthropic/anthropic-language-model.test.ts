import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AnthropicLanguageModel } from './anthropic-language-model.js';
import { ModelCallError, ModelUnavailableError } from '../../model-errors.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { startFakeModelServer, unusedPort, type FakeModelServer } from '../../../../test/fixtures/llm/fake-model-server.js';

describe('AnthropicLanguageModel against a fake server', () => {
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer();
  });
  afterAll(async () => {
    await server.close();
  });
  const create = (model: string): AnthropicLanguageModel =>
    new AnthropicLanguageModel({ model, baseURL: server.url, apiKey: 'test-key' });

  it('sends a Messages request with system, stop sequences and the max_tokens default', async () => {
    const result = await create('claude-test').generate({
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
      temperature: 0.3, stop: ['\n\n', 'END'],
    });
    expect(result).toMatchObject({ text: 'reply to: hi', finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 5 }, modelId: 'claude-test' });
    const request = server.requests.at(-1);
    expect(request?.path).toBe('/v1/messages');
    // This SDK version sends the key as a bearer token; older ones used x-api-key.
    expect([request?.headers['x-api-key'], request?.headers.authorization]).toContainEqual(expect.stringContaining('test-key'));
    expect(request?.body).toMatchObject({
      model: 'claude-test', max_tokens: 1024, system: 'be brief', temperature: 0.3, stop_sequences: ['END'], // whitespace-only ones are applied client-side
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('applies stop sequences to the returned text', async () => {
    const result = await create('claude-test').generate({ prompt: 'abc', stop: ['to:'] });
    expect(result).toMatchObject({ text: 'reply ', finishReason: 'stop' });
  });

  it.each([[429, true], [500, true], [400, false]])('maps HTTP %i to ModelCallError isRetryable=%s', async (status, isRetryable) => {
    const error = await create(`status-${status}`).generate({ prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ statusCode: status, isRetryable });
  });

  it('maps HTTP 401 to ModelUnavailableError', async () => {
    await expect(create('status-401').generate({ prompt: 'x' })).rejects.toBeInstanceOf(ModelUnavailableError);
  });

  it('reads Retry-After of a 529 and maps no text / a refusal to model_empty_answer / model_refused', async () => {
    await expect(create('status-529-retry-after-3').generate({ prompt: 'x' })).rejects.toMatchObject({ isRetryable: true, retryAfterMs: 3000 });
    await expect(create('empty').generate({ prompt: 'x' })).rejects.toMatchObject({ code: 'model_empty_answer' });
    await expect(create('refuse').generate({ prompt: 'x' })).rejects.toMatchObject({ code: 'model_refused', refusal: 'I cannot help with that.' });
  });

  it('rejects jsonSchema it cannot enforce', async () => {
    await expect(create('m').generate({ prompt: 'x', jsonSchema: {} })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('AnthropicLanguageModel without a server or key', () => {
  it('throws ModelUnavailableError before any call when no API key is available', () => {
    const saved = process.env['ANTHROPIC_API_KEY'];
    delete process.env['ANTHROPIC_API_KEY'];
    try {
      expect(() => new AnthropicLanguageModel({ model: 'm' })).toThrow(ModelUnavailableError);
    } finally {
      if (saved !== undefined) process.env['ANTHROPIC_API_KEY'] = saved;
    }
  });

  it('maps connection refused to ModelUnavailableError', async () => {
    const baseURL = `http://127.0.0.1:${await unusedPort()}`;
    const error = await new AnthropicLanguageModel({ model: 'm', baseURL, apiKey: 'k' }).generate({ prompt: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain(baseURL);
  });
});
