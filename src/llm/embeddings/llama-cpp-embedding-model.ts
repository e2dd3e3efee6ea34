/**
 * @module llm/embeddings/llama-cpp-embedding-model
 * Embeddings from a local GGUF model run in-process by node-llama-cpp (`createEmbeddingContext`), CPU only.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Llama, LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import type { EmbeddingModel } from '../embedding-model.js';
import { ModelCallError, ModelUnavailableError } from '../model-errors.js';

/** A GGUF model's embeddings (what the model's last hidden state gives; quality depends entirely on the model). */
export class LlamaCppEmbeddingModel implements EmbeddingModel {
  readonly provider = 'llama-cpp';

  private constructor(
    readonly modelId: string,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaEmbeddingContext,
    /** Tokens the embedding context takes; longer texts are cut. */
    private readonly contextSize: number,
  ) {}

  /**
   * Loads `modelPath` and opens an embedding context of `contextSize` tokens (longer texts are cut to fit).
   * @throws ModelUnavailableError naming the path when the file is missing or cannot be loaded.
   */
  static async create(options: { readonly modelPath: string; readonly threads?: number; readonly contextSize?: number }): Promise<LlamaCppEmbeddingModel> {
    try {
      await stat(options.modelPath);
    } catch (error) {
      throw new ModelUnavailableError({ provider: 'llama-cpp', message: `no GGUF file at ${options.modelPath}`, cause: error });
    }
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: options.threads ?? 1 });
    let model: LlamaModel | undefined;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath });
      const contextSize = Math.min(options.contextSize ?? 512, model.trainContextSize);
      const context = await model.createEmbeddingContext({ contextSize, threads: options.threads ?? 1 });
      return new LlamaCppEmbeddingModel(basename(options.modelPath), llama, model, context, contextSize);
    } catch (error) {
      await model?.dispose();
      await llama.dispose();
      throw new ModelUnavailableError({ provider: 'llama-cpp', message: `cannot load GGUF embedding model ${options.modelPath}: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  }

  /** See {@link EmbeddingModel.embed}: one text at a time, each cut to the context's tokens. */
  async embed(texts: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    const limit = this.contextSize;
    for (const text of texts) {
      options.signal?.throwIfAborted();
      try {
        // Room for the tokens llama.cpp adds (BOS, EOS, a separator): the usable context is a little smaller.
        const tokens = this.model.tokenize(text).slice(0, Math.max(1, limit - 8));
        const embedding = await this.context.getEmbeddingFor(tokens);
        vectors.push(Float32Array.from(embedding.vector));
      } catch (error) {
        throw new ModelCallError({ provider: this.provider, message: `embedding failed: ${error instanceof Error ? error.message : String(error)}`, cause: error, isRetryable: false });
      }
    }
    return vectors;
  }

  async close(): Promise<void> {
    try {
      await this.context.dispose();
      await this.model.dispose();
    } finally {
      await this.llama.dispose();
    }
  }
}
