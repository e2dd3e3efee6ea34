/**
 * Admission and cancellation of the model server on the real stories260K model with ONE sequence: the bounded
 * queue answers 429 beyond its length, a client that goes away aborts its generation (streamed or not) or leaves
 * the queue, and closing the server aborts what is in flight.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaCppLanguageModel, ModelCallError, OpenAILanguageModel } from '../../index.js';
import { createModelServer } from './create-model-server.js';
import type { ServedModel } from './served-model.js';

const modelPath = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));
const MODEL_ID = 'stories260K.gguf';
/** A request that keeps the one sequence busy for seconds (the model never ends a story on its own here). */
const LONG = { model: MODEL_ID, prompt: 'Once upon a time', max_tokens: 1000, temperature: 0.8 };

/** `model`, recording how each generation ended: `done` or the error's name. */
function recording(model: LlamaCppLanguageModel, outcomes: string[]): ServedModel {
  const settle = <T>(call: Promise<T>): Promise<T> => call.then(
    (value) => { outcomes.push('done'); return value; },
    (error: unknown) => { outcomes.push(error instanceof Error ? error.name : String(error)); throw error; },
  );
  return {
    modelId: model.modelId, sequences: model.sequences, contextSize: model.contextSize,
    get activeSequences() { return model.activeSequences; },
    countTokens: (text) => model.countTokens(text),
    generate: (options) => settle(model.generate(options)),
    generateStreaming: (options, onTextChunk) => settle(model.generateStreaming(options, onTextChunk)),
    embed: (texts, options) => model.embed(texts, options),
  };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.runIf(existsSync(modelPath))('model server admission on one sequence', () => {
  let model: LlamaCppLanguageModel;
  let app: FastifyInstance;
  let base: string;
  const outcomes: string[] = [];
  const post = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal === undefined ? {} : { signal }) });
  const health = async () => await (await fetch(`${base}/health`)).json() as { activeSequences: number; queued: number };

  beforeAll(async () => {
    model = await LlamaCppLanguageModel.create({ modelPath, threads: 1, sequences: 1, contextSize: 1024 });
    app = createModelServer({ model: recording(model, outcomes), defaultMetrics: false, maxQueued: 1 });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await model?.close();
  });

  it('refuses a request beyond the running one and the one queued with 429, Retry-After and an OpenAI error', async () => {
    const controller = new AbortController();
    const running = post('/v1/completions', LONG, controller.signal);
    await until(() => model.activeSequences === 1);
    const queued = post('/v1/completions', { ...LONG, max_tokens: 5 });
    await expect.poll(async () => (await health()).queued).toBe(1);
    const refused = await post('/v1/completions', { ...LONG, max_tokens: 5 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'model_queue_full', param: null } });
    // Our own client reads it as a retryable failure that says when to retry; the official one as RateLimitError.
    const ours = await new OpenAILanguageModel({ model: MODEL_ID, baseURL: `${base}/v1`, mode: 'completions' }).generate({ prompt: 'x', maxOutputTokens: 2 }).catch((error: unknown) => error);
    expect(ours).toBeInstanceOf(ModelCallError);
    expect(ours).toMatchObject({ isRetryable: true, retryAfterMs: 1000 });
    await expect(new OpenAI({ baseURL: `${base}/v1`, apiKey: 'x', maxRetries: 0 }).completions.create({ model: MODEL_ID, prompt: 'x', max_tokens: 2 }))
      .rejects.toBeInstanceOf(OpenAI.RateLimitError);
    controller.abort();
    await running.catch(() => undefined);
    const served = await queued;
    expect(served.status).toBe(200);
    expect((await served.json() as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(5);
  });

  it('aborts a streamed generation when its client goes away, freeing the sequence at once', async () => {
    outcomes.length = 0;
    const controller = new AbortController();
    const response = await post('/v1/completions', { ...LONG, stream: true }, controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: \{/);
    expect(model.activeSequences).toBe(1);
    controller.abort();
    await until(() => outcomes.length === 1, 1500); // 1000 tokens would take seconds
    expect(outcomes).toEqual(['AbortError']);
    await until(() => model.activeSequences === 0, 500);
    const next = await post('/v1/completions', { ...LONG, max_tokens: 3 });
    expect(next.status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/model_server_requests_total\{endpoint="\/v1\/completions",status="499"\} [1-9]/);
  });

  it('aborts a non-streamed generation, and drops a waiting request, when their clients go away', async () => {
    outcomes.length = 0;
    const first = new AbortController();
    const second = new AbortController();
    const running = post('/v1/chat/completions', { model: MODEL_ID, messages: [{ role: 'user', content: 'A story.' }], max_tokens: 1000 }, first.signal).catch((error: unknown) => error);
    await until(() => model.activeSequences === 1);
    const waiting = post('/v1/completions', LONG, second.signal).catch((error: unknown) => error);
    await expect.poll(async () => (await health()).queued).toBe(1);
    second.abort();
    await expect.poll(async () => (await health()).queued).toBe(0);
    first.abort();
    await until(() => outcomes.length === 1, 1500);
    expect(outcomes).toEqual(['AbortError']); // the waiting request never reached the model
    expect(await running).toMatchObject({ name: 'AbortError' });
    expect(await waiting).toMatchObject({ name: 'AbortError' });
    await until(() => model.activeSequences === 0, 500);
  });

  it('close() ends a stream in flight and aborts its generation', async () => {
    outcomes.length = 0;
    const response = await post('/v1/chat/completions', { model: MODEL_ID, messages: [{ role: 'user', content: 'A story.' }], max_tokens: 1000, stream: true });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const started = performance.now();
    await app.close();
    expect(performance.now() - started).toBeLessThan(1500);
    await until(() => outcomes.length === 1, 1500);
    expect(outcomes).toEqual(['AbortError']);
    expect(model.activeSequences).toBe(0);
  });
});
