/**
 * Runs the LanguageModel conformance suite for every provider: mock, replay (in-memory and CodeT recordings),
 * llama-cpp (real stories260K GGUF), openai and anthropic (fake HTTP server).
 */
import { describe, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { fileURLToPath } from 'node:url';
import { runLanguageModelConformance } from './language-model-conformance.js';
import { MockLanguageModel } from '../../src/llm/providers/mock/mock-language-model.js';
import { ReplayLanguageModel } from '../../src/llm/providers/replay/replay-language-model.js';
import { LlamaCppLanguageModel } from '../../src/llm/providers/llama-cpp/llama-cpp-language-model.js';
import { OpenAILanguageModel } from '../../src/llm/providers/openai/openai-language-model.js';
import { AnthropicLanguageModel } from '../../src/llm/providers/anthropic/anthropic-language-model.js';
import { createModelStack } from '../../src/llm/middleware/model-stack.js';
import { UsageTracker } from '../../src/llm/middleware/usage-tracker.js';
import { startFakeModelServer, type FakeModelServer } from '../fixtures/llm/fake-model-server.js';

const shared = fileURLToPath(new URL('../../../shared', import.meta.url));
const codetDir = `${shared}/recorded/codet-humaneval-codegen16b`;
const ggufPath = `${shared}/models/stories260K.gguf`;

runLanguageModelConformance('mock', {
  create: () => new MockLanguageModel({ responses: 'a sample answer' }),
  createHanging: () => new MockLanguageModel({ responses: () => new Promise<string>(() => undefined) }),
});

runLanguageModelConformance('mock wrapped in the full middleware stack', {
  create: () =>
    createModelStack(new MockLanguageModel({ responses: 'a sample answer' }), {
      maxConcurrency: 2, retry: { initialDelayMs: 0 }, circuitBreaker: true, timeoutMs: 60_000, usage: new UsageTracker(),
    }),
  createHanging: () =>
    createModelStack(new MockLanguageModel({ responses: () => new Promise<string>(() => undefined) }), {
      maxConcurrency: 1, retry: true, circuitBreaker: true, timeoutMs: 60_000,
    }),
});

runLanguageModelConformance('replay (in-memory)', {
  create: () => new ReplayLanguageModel({ tasks: new Map([['t1', ['    return x + 1\n', 'def x', 'one two three four five six']]]) }),
  call: { metadata: { taskId: 't1' } },
  supports: { maxOutputTokens: true },
});

describe.runIf(existsSync(codetDir))('replay (CodeT recordings)', () => {
  runLanguageModelConformance('replay (CodeT HumanEval x CodeGen-16B)', {
    create: () => ReplayLanguageModel.fromCodeT({ dir: codetDir, seed: 1 }),
    call: { prompt: 'def f():\n', metadata: { taskId: 'HumanEval/7' } },
    supports: { maxOutputTokens: true },
  });
});

describe.runIf(existsSync(ggufPath))('llama-cpp (stories260K)', () => {
  // One llama.cpp binding for all tests (loading it is most of a model's start-up time); each test still loads
  // and disposes its own model and context.
  let llama: Llama;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: 1 });
  });
  afterAll(async () => {
    await llama.dispose();
  });
  runLanguageModelConformance('llama-cpp (stories260K, 1 thread)', {
    create: () => LlamaCppLanguageModel.create({ modelPath: ggufPath, threads: 1, contextSize: 512, llama }),
    call: { maxOutputTokens: 24 },
    supports: { maxOutputTokens: true, jsonSchema: true },
  });
});

describe('HTTP providers (fake server)', () => {
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer();
  });
  afterAll(async () => {
    await server.close();
  });
  const openai = (model: string, mode: 'chat' | 'completions'): OpenAILanguageModel =>
    new OpenAILanguageModel({ model, mode, baseURL: `${server.url}/v1`, apiKey: 'k' });

  runLanguageModelConformance('openai (chat)', { create: () => openai('conf', 'chat'), createHanging: () => openai('hang', 'chat') });
  runLanguageModelConformance('openai (completions)', {
    create: () => openai('conf', 'completions'),
    createHanging: () => openai('hang', 'completions'),
  });
  runLanguageModelConformance('anthropic', {
    create: () => new AnthropicLanguageModel({ model: 'conf', baseURL: server.url, apiKey: 'k' }),
    createHanging: () => new AnthropicLanguageModel({ model: 'hang', baseURL: server.url, apiKey: 'k' }),
  });
});
