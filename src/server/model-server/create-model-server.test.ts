/**
 * The OpenAI-compatible model server on the real stories260K GGUF model (node-llama-cpp, 1 thread), over real HTTP:
 * driven by our own `OpenAILanguageModel` (chat and completions modes) and by the official `openai` client
 * (streaming included); answers compared with the model's own output for the same seed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaCppLanguageModel, ModelUnavailableError, OpenAILanguageModel } from '../../index.js';
import { createModelServer } from './create-model-server.js';

const modelPath = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));
const MODEL_ID = 'stories260K.gguf';

/** The `data:` payloads of a Server-Sent Events body, in order. */
function sseData(text: string): string[] {
  return text.split('\n\n').filter((block) => block.startsWith('data: ')).map((block) => block.slice('data: '.length));
}

describe.runIf(existsSync(modelPath))('model server on stories260K.gguf', () => {
  let model: LlamaCppLanguageModel;
  let app: FastifyInstance;
  let base: string;
  let client: OpenAI;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    model = await LlamaCppLanguageModel.create({ modelPath, threads: 1, sequences: 4, contextSize: 256 });
    app = createModelServer({ model, defaultMetrics: false, maxQueued: 8 });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await model?.close();
  });

  it('lists the one model and answers /health', async () => {
    const models = await client.models.list();
    expect(models.data.map((entry) => entry.id)).toEqual([MODEL_ID]);
    const health = await (await fetch(`${base}/health`)).json() as { status: string; sequences: number };
    expect(health).toMatchObject({ status: 'ok', sequences: 4 });
  });

  it('serves our OpenAILanguageModel in completions mode with the model\'s own text and token counts', async () => {
    const remote = new OpenAILanguageModel({ model: MODEL_ID, baseURL: `${base}/v1`, mode: 'completions' });
    const options = { prompt: 'Once upon a time', maxOutputTokens: 24, temperature: 0 };
    const [served, local] = [await remote.generate(options), await model.generate(options)];
    expect(served.text).toBe(local.text);
    expect(served.usage).toEqual(local.usage);
    expect(served.finishReason).toBe('length');
    expect(served.modelId).toBe(MODEL_ID);
    // A stop sequence from the text ends it there, as on the model itself.
    const stop = local.text.slice(12, 17);
    const stopped = await remote.generate({ ...options, stop: [stop] });
    expect(stopped.text).toBe((await model.generate({ ...options, stop: [stop] })).text);
    expect(stopped.finishReason).toBe('stop');
  });

  it('serves our OpenAILanguageModel in chat mode: messages rendered by the provider, JSON by schema', async () => {
    const remote = new OpenAILanguageModel({ model: MODEL_ID, baseURL: `${base}/v1`, mode: 'chat' });
    const messages = [{ role: 'system' as const, content: 'You tell stories.' }, { role: 'user' as const, content: 'A story about a cat.' }];
    const served = await remote.generate({ messages, maxOutputTokens: 20, temperature: 0 });
    const local = await model.generate({ messages, maxOutputTokens: 20, temperature: 0 });
    expect(served.text).toBe(local.text);
    expect(served.usage.inputTokens).toBe(local.usage.inputTokens);
    const jsonSchema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const json = await remote.generate({ messages: [{ role: 'user', content: 'A person as JSON:' }], jsonSchema, maxOutputTokens: 120, temperature: 0 });
    const value = JSON.parse(json.text) as { name: unknown; age: unknown };
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
  });

  it('streams chat chunks (official openai client) that concatenate to the non-streamed text, with usage last', async () => {
    const request = { model: MODEL_ID, messages: [{ role: 'user' as const, content: 'Tell me a story.' }], max_tokens: 30, temperature: 0, seed: 7 };
    const whole = await client.chat.completions.create(request);
    expect(whole.object).toBe('chat.completion');
    expect(whole.choices[0]?.finish_reason).toBe('length');
    expect(whole.usage?.completion_tokens).toBe(30);
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } })) chunks.push(chunk);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
    expect(deltas.filter((delta) => delta !== '').length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(whole.choices[0]?.message.content);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual(whole.usage);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('streams completions as text_completion chunks ending in [DONE], stop sequences excluded', async () => {
    const whole = await client.completions.create({ model: MODEL_ID, prompt: 'The dog', max_tokens: 40, temperature: 0 });
    const text = whole.choices[0]?.text ?? '';
    const stop = text.slice(15, 20);
    const cut = await client.completions.create({ model: MODEL_ID, prompt: 'The dog', max_tokens: 40, temperature: 0, stop });
    expect(cut.choices[0]?.finish_reason).toBe('stop');
    expect(text.startsWith(cut.choices[0]?.text ?? '-')).toBe(true);
    const response = await post('/v1/completions', { model: MODEL_ID, prompt: 'The dog', max_tokens: 40, temperature: 0, stop: [stop], stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as { object: string; choices: { text: string; finish_reason: string | null }[] });
    expect(chunks.every((chunk) => chunk.object === 'text_completion')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.text).join('')).toBe(cut.choices[0]?.text);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('embeds a string or strings (official client: base64; fetch: floats) as the model does', async () => {
    const direct = await model.embed(['The cat sat.', 'A dog ran.']);
    const viaClient = await client.embeddings.create({ model: MODEL_ID, input: ['The cat sat.', 'A dog ran.'] });
    expect(viaClient.data.map((entry) => entry.index)).toEqual([0, 1]);
    expect(viaClient.data.map((entry) => entry.embedding)).toEqual(direct.embeddings);
    expect(viaClient.usage).toEqual({ prompt_tokens: direct.inputTokens, total_tokens: direct.inputTokens });
    const floats = await (await post('/v1/embeddings', { input: 'The cat sat.', encoding_format: 'float' })).json() as { data: { embedding: number[] }[] };
    expect(floats.data).toHaveLength(1);
    expect(floats.data[0]?.embedding).toEqual(direct.embeddings[0]);
    const wrongSize = await post('/v1/embeddings', { input: 'x y', dimensions: 3 });
    expect(wrongSize.status).toBe(400);
    expect((await wrongSize.json() as { error: { param: string } }).error.param).toBe('dimensions');
  });

  it('refuses bad requests with 400/404 OpenAI errors that name the field', async () => {
    const cases: [string, unknown, number, string, string | null][] = [
      ['/v1/chat/completions', { model: MODEL_ID }, 400, 'invalid_argument', 'messages'],
      ['/v1/chat/completions', { messages: [{ role: 'tool', content: 'x' }] }, 400, 'invalid_argument', 'messages.0.role'],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], n: 2 }, 400, 'invalid_argument', 'n'],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], temperature: 3 }, 400, 'invalid_argument', 'temperature'],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }, 400, 'invalid_argument', 'response_format.type'],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { enum: 5 } } } }, 400, 'invalid_argument', 'response_format.json_schema.schema'],
      ['/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, 404, 'model_not_found', null],
      ['/v1/completions', { prompt: [1, 2, 3] }, 400, 'invalid_argument', 'prompt'],
      ['/v1/completions', { prompt: 'x', echo: true }, 400, 'invalid_argument', 'echo'],
      ['/v1/completions', { prompt: 'story '.repeat(300), max_tokens: 1 }, 400, 'context_length_exceeded', null],
      ['/v1/embeddings', { input: ['ok', ''] }, 400, 'invalid_argument', 'input.1'],
      ['/v1/embeddings', { input: ['ok', 'story '.repeat(300)] }, 400, 'invalid_argument', 'input.1'],
      ['/v1/embeddings', { input: 'story '.repeat(300) }, 400, 'invalid_argument', 'input'],
      ['/v1/chat/completions', '{"messages": [', 400, 'invalid_json', null],
    ];
    for (const [path, body, status, code, param] of cases) {
      const response = await post(path, body);
      const error = (await response.json() as { error: { message: string; type: string; code: string; param: string | null } }).error;
      expect({ path, body, status: response.status, code: error.code, param: error.param }).toEqual({ path, body, status, code, param });
      expect(error.type).toBe(status === 404 || status === 400 ? 'invalid_request_error' : error.type);
      expect(error.message.length).toBeGreaterThan(10);
    }
    // Unknown OpenAI fields are tolerated, nulls mean "not given".
    const tolerant = await post('/v1/chat/completions', { messages: [{ role: 'developer', content: [{ type: 'text', text: 'Hi' }] }], user: 'u1', max_tokens: 2, stop: null, top_p: null, logit_bias: {} });
    expect(tolerant.status).toBe(200);
    const unknownRoute = await fetch(`${base}/v1/assistants`);
    expect(unknownRoute.status).toBe(404);
    expect((await unknownRoute.json() as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('runs concurrent requests on parallel sequences and counts them in /metrics', async () => {
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, model.activeSequences); }, 1);
    try {
      const prompts = ['The cat', 'The dog', 'Lily saw', 'Tom had'];
      const answers = await Promise.all(prompts.map((prompt, index) => client.completions.create({ model: MODEL_ID, prompt, max_tokens: 60, temperature: 0.8, seed: index })));
      for (const answer of answers) expect(answer.usage?.completion_tokens).toBe(60);
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeGreaterThan(1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/model_server_requests_total\{endpoint="\/v1\/completions",status="200"\} \d+/);
    expect(metrics).toContain('model_server_sequences 4');
    expect(metrics).toContain('model_server_sequences_active 0');
    expect(metrics).toMatch(/model_server_tokens_total\{direction="output"\} \d{3,}/);
    expect(metrics).toContain('model_server_request_duration_seconds_bucket');
  });
});

describe.runIf(existsSync(modelPath))('model server with an API key', () => {
  let model: LlamaCppLanguageModel;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    model = await LlamaCppLanguageModel.create({ modelPath, threads: 1, sequences: 1, contextSize: 128 });
    app = createModelServer({ model, defaultMetrics: false, apiKey: 'sk-test-key' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await model?.close();
  });

  it('answers 401 without the key or with a wrong one, and serves with it; /health and /metrics stay open', async () => {
    const none = await fetch(`${base}/v1/models`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { type: 'authentication_error', code: 'unauthorized' } });
    const wrong = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.completions.create({ model: MODEL_ID, prompt: 'x', max_tokens: 2 })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(new OpenAILanguageModel({ model: MODEL_ID, baseURL: `${base}/v1`, apiKey: 'sk-wrong', mode: 'completions' }).generate({ prompt: 'x', maxOutputTokens: 2 }))
      .rejects.toBeInstanceOf(ModelUnavailableError);
    const right = new OpenAILanguageModel({ model: MODEL_ID, baseURL: `${base}/v1`, apiKey: 'sk-test-key', mode: 'completions' });
    expect((await right.generate({ prompt: 'Once', maxOutputTokens: 3 })).usage.outputTokens).toBe(3);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('model_server_requests_total{endpoint="/v1/models",status="401"} 1');
  });
});
