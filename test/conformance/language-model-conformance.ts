/**
 * @module test/conformance/language-model-conformance
 * The contract every {@link LanguageModel} provider must meet, as a reusable vitest suite (Hono `runTest`
 * style): each provider's test calls {@link runLanguageModelConformance} with a factory.
 */
import { describe, it, expect } from 'vitest';
import type { FinishReason, GenerateOptions, LanguageModel } from '../../src/llm/language-model.js';

const FINISH_REASONS: readonly FinishReason[] = ['stop', 'length', 'content-filter', 'error', 'other'];

/** What a provider under test can do beyond the core contract. */
export interface LanguageModelConformanceSupports {
  /** `maxOutputTokens` caps `usage.outputTokens`. Default false. */
  readonly maxOutputTokens?: boolean;
  /** `jsonSchema` output parses as JSON (only for providers with `capabilities.jsonSchema`). Default false. */
  readonly jsonSchema?: boolean;
}

/** Options of {@link runLanguageModelConformance}. */
export interface LanguageModelConformanceOptions {
  /** Creates a fresh model; each test creates its own and closes it. */
  readonly create: () => LanguageModel | Promise<LanguageModel>;
  /**
   * Creates a model whose calls never finish on their own (a server that never answers), to check that an abort
   * during the call rejects it. Optional.
   */
  readonly createHanging?: () => LanguageModel | Promise<LanguageModel>;
  /** Base options of a call the model can answer (e.g. `metadata.taskId` for replay). Default a short prompt. */
  readonly call?: Omit<GenerateOptions, 'signal' | 'prompt' | 'messages'> & { readonly prompt?: string };
  readonly supports?: LanguageModelConformanceSupports;
}

/** Registers the LanguageModel contract tests for one provider under `describe(name)`. */
export function runLanguageModelConformance(name: string, options: LanguageModelConformanceOptions): void {
  const base = { prompt: 'Once upon a time', ...options.call };
  const withModel = async (body: (model: LanguageModel) => Promise<void>): Promise<void> => {
    const model = await options.create();
    try {
      await body(model);
    } finally {
      await model.close();
    }
  };

  describe(`LanguageModel conformance: ${name}`, () => {
    it('names its provider, model and capabilities', () =>
      withModel(async (model) => {
        expect(model.provider).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(model.modelId.length).toBeGreaterThan(0);
        expect(['continuation', 'chat']).toContain(model.capabilities.completionStyle);
        expect(typeof model.capabilities.jsonSchema).toBe('boolean');
        expect(typeof model.capabilities.honoursTemperature).toBe('boolean');
      }));

    it('returns a well-formed result for a prompt', () =>
      withModel(async (model) => {
        const result = await model.generate(base);
        expect(typeof result.text).toBe('string');
        for (const count of [result.usage.inputTokens, result.usage.outputTokens]) {
          expect(Number.isInteger(count) && count >= 0).toBe(true);
        }
        expect(Number.isFinite(result.latencyMs) && result.latencyMs >= 0).toBe(true);
        expect(FINISH_REASONS).toContain(result.finishReason);
        expect(result.modelId.length).toBeGreaterThan(0);
        if (result.costUsd !== undefined) expect(result.costUsd).toBeGreaterThanOrEqual(0);
      }));

    it('answers chat messages', () =>
      withModel(async (model) => {
        const { prompt, ...rest } = base;
        const result = await model.generate({ ...rest, messages: [{ role: 'user', content: prompt }] });
        expect(typeof result.text).toBe('string');
      }));

    it('never returns text containing a stop sequence', () =>
      withModel(async (model) => {
        const stop = ['e', ' '];
        const result = await model.generate({ ...base, stop });
        for (const sequence of stop) expect(result.text).not.toContain(sequence);
      }));

    it.runIf(options.supports?.maxOutputTokens === true)('caps output tokens at maxOutputTokens', () =>
      withModel(async (model) => {
        const result = await model.generate({ ...base, maxOutputTokens: 4 });
        expect(result.usage.outputTokens).toBeLessThanOrEqual(4);
      }));

    it('answers a JSON Schema request with JSON, or refuses it with a typed error when unsupported', () =>
      withModel(async (model) => {
        const jsonSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
        const call = model.generate({ ...base, jsonSchema, maxOutputTokens: 64 });
        if (model.capabilities.jsonSchema) {
          const result = await call;
          if (options.supports?.jsonSchema === true) expect(typeof (JSON.parse(result.text) as { ok: unknown }).ok).toBe('boolean');
        } else {
          await expect(call).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'options.jsonSchema' });
        }
      }));

    it('rejects invalid options with invalid_argument', () =>
      withModel(async (model) => {
        await expect(model.generate({ ...base, temperature: -1 })).rejects.toMatchObject({ code: 'invalid_argument' });
        const { prompt: _prompt, ...noPrompt } = base;
        await expect(model.generate(noPrompt)).rejects.toMatchObject({ code: 'invalid_argument' });
      }));

    it('rejects with the abort reason when the signal is already aborted', () =>
      withModel(async (model) => {
        const controller = new AbortController();
        const reason = new DOMException('stop now', 'AbortError');
        controller.abort(reason);
        await expect(model.generate({ ...base, signal: controller.signal })).rejects.toBe(reason);
      }));

    it.runIf(options.createHanging !== undefined)('rejects an in-flight call when its signal aborts', async () => {
      const model = await (options.createHanging as NonNullable<typeof options.createHanging>)();
      try {
        const controller = new AbortController();
        const pending = model.generate({ ...base, signal: controller.signal });
        setImmediate(() => controller.abort());
        await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      } finally {
        await model.close();
      }
    });

    it('closes idempotently', async () => {
      const model = await options.create();
      await model.close();
      await model.close();
    });
  });
}
