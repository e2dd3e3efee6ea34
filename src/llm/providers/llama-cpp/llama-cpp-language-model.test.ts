import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { LlamaCppLanguageModel } from './llama-cpp-language-model.js';
import { ModelUnavailableError } from '../../model-errors.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';

const modelPath = fileURLToPath(new URL('../../../../../shared/models/stories260K.gguf', import.meta.url));

describe.runIf(existsSync(modelPath))('LlamaCppLanguageModel on stories260K.gguf', () => {
  let model: LlamaCppLanguageModel;
  beforeAll(async () => {
    model = await LlamaCppLanguageModel.create({ modelPath, threads: 1, sequences: 2, contextSize: 256 });
  });
  afterAll(async () => {
    await model.close();
  });

  it('continues a prompt with real token counts and stops at maxOutputTokens', async () => {
    const result = await model.generate({ prompt: 'Once upon a time', maxOutputTokens: 12 });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(12);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.finishReason).toBe('length');
    expect(result.modelId).toBe('stories260K.gguf');
  });

  it('is deterministic at temperature 0 and cuts at a stop sequence', async () => {
    const a = await model.generate({ prompt: 'Once upon a time', maxOutputTokens: 40, temperature: 0 });
    const b = await model.generate({ prompt: 'Once upon a time', maxOutputTokens: 40, temperature: 0 });
    expect(b.text).toBe(a.text);
    const firstWord = a.text.trim().split(/\s+/)[1];
    expect(firstWord).toBeDefined();
    const stopped = await model.generate({ prompt: 'Once upon a time', maxOutputTokens: 40, temperature: 0, stop: [firstWord as string] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).not.toContain(firstWord);
    expect(a.text.startsWith(stopped.text)).toBe(true);
  });

  it('runs more parallel calls than sequences, each getting a sequence in turn', async () => {
    const prompts = ['The dog', 'The cat', 'Lily saw', 'Tom had'];
    const results = await Promise.all(
      prompts.map((prompt, index) => model.generate({ prompt, maxOutputTokens: 16, temperature: 0.8, seed: index })),
    );
    expect(results).toHaveLength(4);
    for (const result of results) expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('renders chat messages to a plain-text prompt', async () => {
    const result = await model.generate({ messages: [{ role: 'user', content: 'Tell a story.' }], maxOutputTokens: 8 });
    expect(result.usage.inputTokens).toBeGreaterThan(5);
    expect(typeof result.text).toBe('string');
  });

  it('yields parseable JSON matching a schema through the grammar', async () => {
    const jsonSchema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
    };
    const result = await model.generate({ prompt: 'A person as JSON: ', jsonSchema, maxOutputTokens: 200 });
    const value = JSON.parse(result.text) as { name: unknown; age: unknown };
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
  });

  it('aborts a call waiting for a sequence and calls in flight', async () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const long = { prompt: 'Once upon a time', maxOutputTokens: 10_000, temperature: 0.8, signal };
    const running = [model.generate({ ...long, seed: 1 }), model.generate({ ...long, seed: 2 })];
    const waiting = model.generate({ ...long, seed: 3 });
    // Let the two running calls start generating (a full context takes far longer than this) before aborting.
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const settled = await Promise.allSettled([...running, waiting]);
    expect(settled.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).name : 'fulfilled'))).toEqual([
      'AbortError',
      'AbortError',
      'AbortError',
    ]);
    const after = await model.generate({ prompt: 'The cat', maxOutputTokens: 4 });
    expect(after.usage.outputTokens).toBe(4);
  });

  it('streams text chunks that concatenate to the text, stop sequences held back and excluded', async () => {
    const plain = await model.generate({ prompt: 'Once upon a time', maxOutputTokens: 30, temperature: 0 });
    const chunks: string[] = [];
    const streamed = await model.generateStreaming({ prompt: 'Once upon a time', maxOutputTokens: 30, temperature: 0 }, (text) => chunks.push(text));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(streamed.text);
    expect(streamed.text).toBe(plain.text);
    expect(streamed.usage).toEqual(plain.usage);
    // A multi-token stop sequence from the middle of the text: its first tokens are held back, then dropped.
    const stop = plain.text.slice(10, 18);
    const cut: string[] = [];
    const stopped = await model.generateStreaming({ prompt: 'Once upon a time', maxOutputTokens: 30, temperature: 0, stop: [stop] }, (text) => cut.push(text));
    expect(stopped.finishReason).toBe('stop');
    expect(cut.join('')).toBe(stopped.text);
    expect(plain.text.startsWith(stopped.text)).toBe(true);
    expect(stopped.text).not.toContain(stop);
    expect(stopped.usage.outputTokens).toBeLessThan(plain.usage.outputTokens); // the generation ended at the stop sequence
  });

  it('reports busy sequences while calls run and none after', async () => {
    expect(model.sequences).toBe(2);
    let peak = 0;
    const track = () => { peak = Math.max(peak, model.activeSequences); };
    await Promise.all([1, 2].map((seed) => model.generateStreaming({ prompt: 'The dog', maxOutputTokens: 24, temperature: 0.8, seed }, track)));
    expect(peak).toBe(2);
    expect(model.activeSequences).toBe(0);
    expect(model.waitingCalls).toBe(0);
    expect(model.countTokens('Once upon a time')).toBeGreaterThan(2);
    expect(model.contextSize).toBeGreaterThanOrEqual(256);
  });

  it('embeds texts as vectors of the model\'s embedding size, the same text alike', async () => {
    const result = await model.embed(['The cat sat.', 'A dog ran in the park.', 'The cat sat.']);
    expect(result.embeddings).toHaveLength(3);
    const [a, b, c] = result.embeddings as [number[], number[], number[]];
    expect(a.length).toBe(64); // stories260K: 64-dimensional embeddings
    expect(b.length).toBe(a.length);
    expect(c).toEqual(a);
    expect(b).not.toEqual(a);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(result.inputTokens).toBeGreaterThan(6);
  });

  it('refuses an empty or over-long text to embed, naming it', async () => {
    await expect(model.embed(['ok', ''])).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'texts[1]' });
    await expect(model.embed(['story '.repeat(400)])).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'texts[0]' });
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(model.generate({ prompt: 'x', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('LlamaCppLanguageModel.create failures', () => {
  it('throws ModelUnavailableError naming a missing path', async () => {
    const error = await LlamaCppLanguageModel.create({ modelPath: '/nonexistent/model.gguf' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain('/nonexistent/model.gguf');
  });

  it('throws ModelUnavailableError for a file that is not a GGUF model', async () => {
    const notGguf = fileURLToPath(new URL('../../../../test/fixtures/llm/replay-small.jsonl', import.meta.url));
    const error = await LlamaCppLanguageModel.create({ modelPath: notGguf }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toContain('replay-small.jsonl');
  });

  it.runIf(existsSync(modelPath))('leaves a llama.cpp instance it was given undisposed', async () => {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: 1 });
    try {
      const model = await LlamaCppLanguageModel.create({ modelPath, llama, contextSize: 128 });
      await model.close();
      await model.close();
      expect(llama.disposed).toBe(false);
    } finally {
      await llama.dispose();
    }
  });

  it('rejects bad options with InvalidArgumentError', async () => {
    await expect(LlamaCppLanguageModel.create({ modelPath, threads: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
