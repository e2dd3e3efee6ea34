/**
 * @module llm/providers/llama-cpp/llama-cpp-language-model
 * In-process inference on a local GGUF file with node-llama-cpp 3 (llama.cpp bindings), CPU only: one model,
 * one context, N parallel sequences that concurrent `generate()` calls share. Beyond the {@link LanguageModel}
 * contract: streamed generation (`generateStreaming`) and embeddings (`embed`), which `zerr model-server` serves.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
// Types only: the bindings load in `create`, so that importing the engine does not load llama.cpp.
import type { Llama, LlamaCompletion, LlamaContext, LlamaEmbeddingContext, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import type {
  GenerateOptions,
  GenerateResult,
  LanguageModel,
  ModelCapabilities,
} from '../../language-model.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { ModelCallError, ModelUnavailableError } from '../../model-errors.js';
import { abortReason, isAbortError } from '../../abort.js';
import { validateGenerateOptions } from '../../generate-options-schema.js';
import { parseOptions } from '../../../errors/parse-options.js';
import { promptOf } from '../../render-messages.js';
import { applyStopSequences, StopSequenceScanner } from '../../stop-sequences.js';
import { ResourcePool } from './resource-pool.js';

const PROVIDER = 'llama-cpp';

const CreateOptionsSchema = z
  .object({
    modelPath: z.string().min(1, 'a path to a .gguf file'),
    threads: z.number().int().positive('a positive integer').default(1),
    contextSize: z.number().int().min(16, 'an integer >= 16').default(1024),
    sequences: z.number().int().min(1).max(64, 'an integer in [1, 64]').default(2),
    modelId: z.string().min(1).optional(),
    llama: z.custom<Llama>((value) => typeof value === 'object' && value !== null).optional(),
  })
  .strict();

/** Options of {@link LlamaCppLanguageModel.create}. */
export interface LlamaCppOptions {
  /** Path of the GGUF model file. */
  readonly modelPath: string;
  /** CPU threads for evaluation. Set it explicitly: more threads than free cores collapses throughput. Default 1. */
  readonly threads?: number;
  /** Context size in tokens of each sequence. Default 1024. */
  readonly contextSize?: number;
  /** Parallel sequences in the one context = max concurrent generations. Default 2. */
  readonly sequences?: number;
  /** Reported model id. Default: the file's base name. */
  readonly modelId?: string;
  /**
   * An existing node-llama-cpp instance to load the model into (several models then share one binding). The model
   * does not dispose an instance it was given. Default: a new CPU-only instance, disposed by `close()`.
   */
  readonly llama?: Llama;
}

interface Slot {
  readonly completion: LlamaCompletion;
}

/** Called with each piece of generated text as it is decoded; the pieces, in order, concatenate to the result's text. */
export type TextChunkListener = (text: string) => void;

/** What {@link LlamaCppLanguageModel.embed} returns. */
export interface EmbedResult {
  /** One vector per input text, in input order; every vector has the model's embedding size. */
  readonly embeddings: readonly (readonly number[])[];
  /** Tokens the texts were evaluated as, all texts together (beginning/end tokens included). */
  readonly inputTokens: number;
}

/**
 * A GGUF model run in-process by node-llama-cpp. Continuation style: `prompt` is continued as raw text;
 * `messages` are rendered to a plain-text prompt (`renderMessagesAsPrompt`). Honours `temperature` (default 0,
 * greedy, node-llama-cpp's default), `topP`, `seed`, `maxOutputTokens` (default: until end-of-generation or the
 * context is full, then finishReason `length`), `stop` (found on the decoded text: the generation ends there; excluded
 * from the text) and `jsonSchema` (GBNF grammar from the schema). Usage counts are real tokens of the model's tokenizer.
 * Concurrent calls each take a free sequence and wait (FIFO) when all are busy.
 */
export class LlamaCppLanguageModel implements LanguageModel {
  readonly provider = PROVIDER;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities = {
    completionStyle: 'continuation',
    jsonSchema: true,
    honoursTemperature: true,
  };
  /** Parallel sequences of the context: the most generations that run at once. */
  readonly sequences: number;
  private readonly pool: ResourcePool<Slot>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private embedding: Promise<LlamaEmbeddingContext> | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly llama: Llama,
    private readonly ownsLlama: boolean,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly modelPath: string,
    modelId: string,
    Completion: typeof LlamaCompletion,
    private readonly threads: number,
  ) {
    this.modelId = modelId;
    const slots: Slot[] = [];
    while (context.sequencesLeft > 0) slots.push({ completion: new Completion({ contextSequence: context.getSequence() }) });
    this.sequences = slots.length;
    this.pool = new ResourcePool(slots);
  }

  /** Sequences generating now (0 to {@link LlamaCppLanguageModel.sequences}). */
  get activeSequences(): number {
    return this.sequences - this.pool.available;
  }

  /** Calls waiting (FIFO) for a free sequence. */
  get waitingCalls(): number {
    return this.pool.waiting;
  }

  /** Context size of each sequence, in tokens: prompt and generated tokens of one call together fit in it. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Tokens `text` is tokenized as by the model's tokenizer (no beginning-of-sequence token added). */
  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  /**
   * Loads the GGUF file and creates one context with `sequences` sequences (CPU, prebuilt binaries only; llama.cpp
   * logs below `error` are silenced).
   * @throws InvalidArgumentError (`invalid_argument`) for bad options; ModelUnavailableError (`model_unavailable`)
   *   naming the path when the file is missing or cannot be loaded.
   */
  static async create(options: LlamaCppOptions): Promise<LlamaCppLanguageModel> {
    const parsed = parseOptions(CreateOptionsSchema, options, 'options');
    const unavailable = (message: string, cause: unknown): ModelUnavailableError =>
      new ModelUnavailableError({ provider: PROVIDER, message: `${message} ${parsed.modelPath}: ${errorMessage(cause)}`, cause });
    try {
      await stat(parsed.modelPath);
    } catch (error) {
      throw unavailable('no GGUF file at', error);
    }
    const ownsLlama = parsed.llama === undefined;
    let llama: Llama | undefined = parsed.llama;
    let model: LlamaModel | undefined;
    try {
      const { getLlama, LlamaCompletion: Completion, LlamaLogLevel } = await import('node-llama-cpp');
      llama ??= await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: parsed.threads });
      model = await llama.loadModel({ modelPath: parsed.modelPath });
      const context = await model.createContext({
        contextSize: parsed.contextSize,
        sequences: parsed.sequences,
        threads: parsed.threads,
      });
      return new LlamaCppLanguageModel(llama, ownsLlama, model, context, parsed.modelPath, parsed.modelId ?? basename(parsed.modelPath), Completion, parsed.threads);
    } catch (error) {
      try {
        await model?.dispose();
      } finally {
        if (ownsLlama) await llama?.dispose();
      }
      throw unavailable('cannot load GGUF model', error);
    }
  }

  /**
   * Generates one continuation on a free sequence.
   * @throws InvalidArgumentError (bad options, or a `jsonSchema` llama.cpp cannot turn into a grammar);
   *   ModelUnavailableError after `close()`; ModelCallError (not retryable) when llama.cpp fails; the signal's
   *   reason when aborted (while waiting for a sequence or generating).
   */
  generate(options: GenerateOptions): Promise<GenerateResult> {
    return this.complete(options, undefined);
  }

  /**
   * {@link LlamaCppLanguageModel.generate}, calling `onTextChunk` with each piece of text as it is decoded. Text
   * that may be the start of a stop sequence is held back until it is known not to be one, so the pieces, in
   * order, concatenate to the result's `text` (stop sequences excluded). The listener runs on the generation's
   * path: it must be quick and must not throw.
   * @throws as {@link LlamaCppLanguageModel.generate}.
   */
  generateStreaming(options: GenerateOptions, onTextChunk: TextChunkListener): Promise<GenerateResult> {
    return this.complete(options, onTextChunk);
  }

  private async complete(options: GenerateOptions, onTextChunk: TextChunkListener | undefined): Promise<GenerateResult> {
    const started = performance.now();
    validateGenerateOptions(options);
    options.signal?.throwIfAborted();
    if (this.closing !== undefined) throw this.closedError();
    const grammar = options.jsonSchema === undefined ? undefined : await this.grammarFor(options.jsonSchema);
    const prompt = promptOf(options);
    const slot = await this.pool.acquire(options.signal);
    let outputTokens = 0;
    // Stop sequences are found here, on the decoded text (node-llama-cpp's own stop triggers miss some that span
    // tokens); once one occurs, `stopped` ends the generation and the text so far is returned.
    const scanner = new StopSequenceScanner(options.stop ?? []);
    const stopped = new AbortController();
    try {
      const response = await slot.completion.generateCompletionWithMeta(prompt, {
        onToken: (tokens) => {
          outputTokens += tokens.length;
        },
        onTextChunk: (chunk) => {
          const released = scanner.push(chunk);
          if (released !== '') onTextChunk?.(released);
          if (scanner.stopped) stopped.abort();
        },
        disableContextShift: true,
        signal: options.signal === undefined ? stopped.signal : AbortSignal.any([options.signal, stopped.signal]),
        stopOnAbortSignal: true,
        ...(options.maxOutputTokens === undefined ? {} : { maxTokens: options.maxOutputTokens }),
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        ...(options.topP === undefined ? {} : { topP: options.topP }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(grammar === undefined ? {} : { grammar }),
      });
      if (options.signal?.aborted === true) throw abortReason(options.signal);
      const rest = scanner.flush();
      if (rest !== '') onTextChunk?.(rest);
      return {
        text: applyStopSequences(response.response, options.stop).text,
        usage: { inputTokens: this.model.tokenize(prompt).length, outputTokens },
        finishReason: response.metadata.stopReason === 'maxTokens' && !scanner.stopped ? 'length' : 'stop',
        latencyMs: performance.now() - started,
        modelId: this.modelId,
      };
    } catch (error) {
      if (options.signal?.aborted === true && isAbortError(error)) throw error;
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (this.closing !== undefined) throw this.closedError(error);
      throw new ModelCallError({ provider: PROVIDER, message: errorMessage(error), isRetryable: false, cause: error });
    } finally {
      this.pool.release(slot);
    }
  }

  /**
   * Embeds each text with the model (llama.cpp's embedding output for the whole text), one text after another on
   * an embedding context of {@link LlamaCppLanguageModel.contextSize} tokens, created on the first call and kept
   * until `close()`. It is separate from the generation sequences: embeddings never wait for a sequence.
   * @throws InvalidArgumentError (`invalid_argument`, parameter `texts[i]`) for an empty text or one longer than the
   *   context; ModelUnavailableError after `close()`; ModelCallError when llama.cpp cannot embed with this model; the
   *   signal's reason when aborted (checked before each text).
   */
  async embed(texts: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<EmbedResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.closing !== undefined) throw this.closedError();
    this.embedding ??= this.model.createEmbeddingContext({ contextSize: this.context.contextSize, threads: this.threads });
    let context: LlamaEmbeddingContext;
    try {
      context = await this.embedding;
    } catch (error) {
      this.embedding = undefined;
      throw new ModelCallError({ provider: PROVIDER, message: `cannot embed with ${this.modelPath}: ${errorMessage(error)}`, isRetryable: false, cause: error });
    }
    const embeddings: number[][] = [];
    let inputTokens = 0;
    for (const [index, text] of texts.entries()) {
      if (signal?.aborted === true) throw abortReason(signal);
      if (this.closing !== undefined) throw this.closedError();
      const tokens = text === '' ? 0 : context.calculateInputLength(text);
      if (tokens === 0 || tokens >= this.context.contextSize) {
        throw new InvalidArgumentError({
          parameter: `texts[${index}]`,
          value: text,
          expected: `a non-empty text of fewer than ${this.context.contextSize} tokens (the context size), got ${tokens} tokens`,
        });
      }
      try {
        embeddings.push([...(await context.getEmbeddingFor(text)).vector]);
      } catch (error) {
        if (this.closing !== undefined) throw this.closedError(error);
        throw new ModelCallError({ provider: PROVIDER, message: errorMessage(error), isRetryable: false, cause: error });
      }
      inputTokens += tokens;
    }
    return { embeddings, inputTokens };
  }

  /**
   * Disposes the embedding context (if one was created), the context, the model and (unless it was passed in) the
   * llama.cpp instance, in that order, each in `finally`. Calls waiting for a sequence are rejected with
   * `model_unavailable`. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.pool.close(() => this.closedError());
      try {
        await (await this.embedding?.catch(() => undefined))?.dispose();
      } finally {
        try {
          await this.context.dispose();
        } finally {
          try {
            await this.model.dispose();
          } finally {
            if (this.ownsLlama) await this.llama.dispose();
          }
        }
      }
    })();
    return this.closing;
  }

  private grammarFor(schema: Readonly<Record<string, unknown>>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (grammar === undefined) {
      grammar = this.llama.createGrammarForJsonSchema(schema as never).catch((error: unknown) => {
        this.grammars.delete(key);
        throw new InvalidArgumentError({
          parameter: 'options.jsonSchema',
          value: schema,
          expected: `a JSON Schema llama.cpp can compile to a grammar (${errorMessage(error)})`,
          cause: error,
        });
      });
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private closedError(cause?: unknown): ModelUnavailableError {
    return new ModelUnavailableError({ provider: PROVIDER, message: `model ${this.modelPath} is closed`, cause });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
