import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classEvalRecordedDir, codetDir, createLanguageModel, modelPricingFor, parseModelUri } from './model-uri.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { ModelUnavailableError } from './model-errors.js';
import { ReplayLanguageModel } from './providers/replay/replay-language-model.js';
import { OpenAILanguageModel } from './providers/openai/openai-language-model.js';

const sharedDir = fileURLToPath(new URL('../../../shared', import.meta.url));

describe('parseModelUri', () => {
  it.each([
    ['mock:a?b:c', { provider: 'mock', text: 'a?b:c' }],
    ['replay:codet', { provider: 'replay', source: 'codet', seed: 0 }],
    ['replay:classeval', { provider: 'replay', source: 'classeval', model: 'ChatGPT', seed: 0 }],
    ['replay:classeval?model=Vicuna&seed=3', { provider: 'replay', source: 'classeval', model: 'Vicuna', seed: 3 }],
    ['replay:data/x.jsonl?seed=4', { provider: 'replay', source: 'jsonl', path: 'data/x.jsonl', seed: 4 }],
    ['llama-cpp:m.gguf?threads=2&sequences=4&contextSize=2048', { provider: 'llama-cpp', path: 'm.gguf', threads: 2, sequences: 4, contextSize: 2048 }],
    ['llama-cpp:m.gguf', { provider: 'llama-cpp', path: 'm.gguf', threads: 1, sequences: 2, contextSize: 1024 }],
    ['openai:qwen?baseURL=http://127.0.0.1:8000/v1&mode=completions', { provider: 'openai', model: 'qwen', baseURL: 'http://127.0.0.1:8000/v1', mode: 'completions' }],
    ['openai:gpt-4.1-mini', { provider: 'openai', model: 'gpt-4.1-mini', mode: 'chat' }],
    ['anthropic:claude-sonnet-4-5', { provider: 'anthropic', model: 'claude-sonnet-4-5' }],
    ['openai:q?inputUsdPerMTok=0.5&outputUsdPerMTok=1.5', { provider: 'openai', model: 'q', mode: 'chat', price: { inputUsdPerMTok: 0.5, outputUsdPerMTok: 1.5 } }],
    ['llama-cpp:m.gguf?inputUsdPerMTok=0&outputUsdPerMTok=0', { provider: 'llama-cpp', path: 'm.gguf', threads: 1, sequences: 2, contextSize: 1024, price: { inputUsdPerMTok: 0, outputUsdPerMTok: 0 } }],
  ])('parses %s', (uri, expected) => {
    expect(parseModelUri(uri)).toEqual(expected);
  });

  it('rejects an unknown provider, listing the known ones', () => {
    const error = (() => {
      try {
        return parseModelUri('gemini:pro');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ parameter: 'modelUri', value: 'gemini:pro' });
    expect((error as Error).message).toContain('mock, replay, llama-cpp, openai, anthropic');
  });

  it.each([
    ['llama-cpp:m.gguf?threads=0', 'modelUri.threads'],
    ['llama-cpp:m.gguf?threads=two', 'modelUri.threads'],
    ['llama-cpp:m.gguf?gpu=1', 'modelUri.gpu'],
    ['openai:m?mode=edit', 'modelUri.mode'],
    ['openai:m?baseURL=nope', 'modelUri.baseURL'],
    ['replay:codet?seed=1.5', 'modelUri.seed'],
    ['replay:classeval?model=GPT-9', 'modelUri.model'],
    ['replay:codet?model=ChatGPT', 'modelUri.model'],
    ['openai:', 'modelUri'],
    ['openai:m?inputUsdPerMTok=-1&outputUsdPerMTok=1', 'modelUri.inputUsdPerMTok'],
    ['openai:m?inputUsdPerMTok=1', 'modelUri.outputUsdPerMTok'],
    ['anthropic:m?outputUsdPerMTok=2', 'modelUri.inputUsdPerMTok'],
    ['replay:codet?inputUsdPerMTok=cheap&outputUsdPerMTok=1', 'modelUri.inputUsdPerMTok'],
  ])('names the bad parameter of %s', (uri, parameter) => {
    expect(() => parseModelUri(uri)).toThrow(expect.objectContaining({ code: 'invalid_argument', parameter }));
  });
});

describe('createLanguageModel', () => {
  it('creates a mock that always answers its text', async () => {
    const model = await createLanguageModel('mock:def f(): pass');
    expect((await model.generate({ prompt: 'x' })).text).toBe('def f(): pass');
    expect((await model.generate({ prompt: 'y' })).text).toBe('def f(): pass');
  });

  it('resolves the CodeT folder from dataDir, then ZERR_DATA_DIR', () => {
    expect(codetDir({ dataDir: '/d', env: { ZERR_DATA_DIR: '/e' } })).toBe('/d/recorded/codet-humaneval-codegen16b');
    expect(codetDir({ env: { ZERR_DATA_DIR: '/e' } })).toBe('/e/recorded/codet-humaneval-codegen16b');
    expect(codetDir({ env: {} })).toBe(`${sharedDir}/recorded/codet-humaneval-codegen16b`);
  });

  it.runIf(existsSync(sharedDir))('creates replay:codet from the default shared folder', async () => {
    const model = await createLanguageModel('replay:codet?seed=2', { env: {} });
    expect(model).toBeInstanceOf(ReplayLanguageModel);
    expect((model as ReplayLanguageModel).taskIds).toHaveLength(164);
  });

  it.runIf(existsSync(sharedDir))('creates replay:classeval from the recorded ClassEval samples: 100 tasks, 5 full-code answers each', async () => {
    expect(classEvalRecordedDir({ dataDir: '/d' })).toBe('/d/recorded/classeval-c5');
    const model = await createLanguageModel('replay:classeval?model=Vicuna', { env: {} });
    expect(model).toBeInstanceOf(ReplayLanguageModel);
    expect(model.modelId).toBe('Vicuna@classeval-c5');
    expect(model.capabilities.completionStyle).toBe('chat');
    expect((model as ReplayLanguageModel).taskIds).toHaveLength(100);
    expect((model as ReplayLanguageModel).remaining('ClassEval_0')).toBe(5);
  });

  it('creates openai models and reports a missing GGUF as ModelUnavailableError', async () => {
    const model = await createLanguageModel('openai:m?baseURL=http://127.0.0.1:9/v1&mode=completions');
    expect(model).toBeInstanceOf(OpenAILanguageModel);
    expect(model.capabilities.completionStyle).toBe('continuation');
    await expect(createLanguageModel('llama-cpp:/no/such.gguf')).rejects.toBeInstanceOf(ModelUnavailableError);
  });
});

describe('modelPricingFor', () => {
  const usage = { inputTokens: 1_000, outputTokens: 2_000 };

  it('prices OpenAI and Anthropic models from @pydantic/genai-prices by model id and endpoint', async () => {
    const openai = await modelPricingFor('openai:gpt-4.1-mini', await createLanguageModel('openai:gpt-4.1-mini'));
    expect(openai?.source).toMatch(/^@pydantic\/genai-prices \d+\.\d+\.\d+: openai gpt-4\.1-mini$/);
    expect(openai?.inputUsdPerMTok).toBeGreaterThan(0);
    expect(openai?.costOf(usage)).toBeCloseTo((1_000 * openai!.inputUsdPerMTok + 2_000 * openai!.outputUsdPerMTok) / 1e6, 12);
    const anthropic = await modelPricingFor('anthropic:claude-sonnet-4-5', { provider: 'anthropic', modelId: 'claude-sonnet-4-5' });
    expect(anthropic?.source).toContain('anthropic claude-sonnet-4-5');
  });

  it('leaves a local server, llama-cpp and replay models unpriced, and lets the URI price any of them', async () => {
    const local = 'openai:gpt-4o?baseURL=http://127.0.0.1:9/v1';
    expect(await modelPricingFor(local, await createLanguageModel(local))).toBeUndefined();
    expect(await modelPricingFor('llama-cpp:m.gguf', { provider: 'llama-cpp', modelId: 'm.gguf' })).toBeUndefined();
    const priced = `${local}&inputUsdPerMTok=2&outputUsdPerMTok=8`;
    const pricing = await modelPricingFor(priced, await createLanguageModel(priced));
    expect(pricing).toMatchObject({ inputUsdPerMTok: 2, outputUsdPerMTok: 8, source: 'model URI' });
    expect(pricing?.costOf(usage)).toBeCloseTo(0.018, 12);
  });
});
