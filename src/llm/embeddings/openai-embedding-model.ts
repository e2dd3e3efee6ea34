/**
 * @module llm/embeddings/openai-embedding-model
 * Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, `zerr
 * model-server`) with the official `openai` client.
 */
import OpenAI from 'openai';
import type { EmbeddingModel } from '../embedding-model.js';
import { ModelCallError, ModelUnavailableError } from '../model-errors.js';

/** Placeholder key for local servers that ignore it (the client refuses to start without one). */
const PLACEHOLDER_API_KEY = 'not-needed';
/** Texts per request. */
const BATCH = 64;

/** An OpenAI-compatible embedding model. */
export class OpenAiEmbeddingModel implements EmbeddingModel {
  readonly provider = 'openai';
  readonly #client: OpenAI;

  /** @param options.baseURL the server's `/v1` URL (default OpenAI's); `apiKey` default `OPENAI_API_KEY`. */
  constructor(readonly modelId: string, options: { readonly baseURL?: string | undefined; readonly apiKey?: string | undefined } = {}) {
    this.#client = new OpenAI({
      apiKey: options.apiKey ?? process.env['OPENAI_API_KEY'] ?? PLACEHOLDER_API_KEY,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      maxRetries: 2,
    });
  }

  /** See {@link EmbeddingModel.embed}: batches of 64 texts. */
  async embed(texts: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH);
      let response: OpenAI.CreateEmbeddingResponse;
      try {
        response = await this.#client.embeddings.create({ model: this.modelId, input: [...batch] }, { ...(options.signal === undefined ? {} : { signal: options.signal }) });
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason;
        if (error instanceof OpenAI.APIConnectionError) throw new ModelUnavailableError({ provider: this.provider, message: `cannot reach the embedding server: ${error.message}`, cause: error });
        throw new ModelCallError({ provider: this.provider, message: `embeddings failed: ${error instanceof Error ? error.message : String(error)}`, cause: error, isRetryable: false });
      }
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== batch.length) throw new ModelCallError({ provider: this.provider, message: `embeddings: ${ordered.length} vectors for ${batch.length} texts`, isRetryable: false });
      vectors.push(...ordered.map((item) => Float32Array.from(item.embedding)));
    }
    return vectors;
  }

  async close(): Promise<void> {
    // The HTTP client holds no connection to close.
  }
}
