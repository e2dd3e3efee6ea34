/**
 * @module llm/embeddings/openai-embedding-model
 * Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, `zerr
 * model-server`) with the official `openai` client, asking for float vectors (not every server speaks base64).
 */
// Types only: the SDK loads on the first call, so that importing the engine does not load it.
import type OpenAI from 'openai';
import type { EmbeddingModel } from '../embedding-model.js';
import { ModelCallError } from '../model-errors.js';
import { mapHttpError } from '../providers/map-http-error.js';

/** Placeholder key for local servers that ignore it (the client refuses to start without one). */
const PLACEHOLDER_API_KEY = 'not-needed';
/** Texts per request. */
const BATCH = 64;

/** Whether the server refused the request as invalid (HTTP 400), e.g. a text longer than the model takes. */
function isInvalidInput(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 400;
}

/** An OpenAI-compatible embedding model. */
export class OpenAiEmbeddingModel implements EmbeddingModel {
  readonly provider = 'openai';
  readonly #options: { readonly apiKey: string; readonly baseURL?: string; readonly maxRetries: number };
  #client: Promise<OpenAI> | undefined;

  /** @param options.baseURL the server's `/v1` URL (default OpenAI's); `apiKey` default `OPENAI_API_KEY`. */
  constructor(readonly modelId: string, options: { readonly baseURL?: string | undefined; readonly apiKey?: string | undefined } = {}) {
    this.#options = {
      apiKey: options.apiKey ?? process.env['OPENAI_API_KEY'] ?? PLACEHOLDER_API_KEY,
      ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
      maxRetries: 2,
    };
  }

  /**
   * See {@link EmbeddingModel.embed}: batches of 64 texts. A batch the server refuses as invalid (HTTP 400: a text
   * longer than the model takes) is sent again text by text, and a text refused alone is cut in half until the server
   * takes it (at most 8 times), as the llama.cpp embedder cuts a text to its context.
   */
  async embed(texts: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH);
      try {
        vectors.push(...(await this.#request(batch, options.signal)));
      } catch (error) {
        if (!isInvalidInput(error)) throw this.#failure(error, options.signal);
        for (const text of batch) vectors.push(await this.#embedCut(text, options.signal));
      }
    }
    return vectors;
  }

  /** One text, halved while the server refuses it as too long. */
  async #embedCut(text: string, signal: AbortSignal | undefined): Promise<Float32Array> {
    let current = text;
    for (let cuts = 0; ; cuts += 1) {
      try {
        const [vector] = await this.#request([current], signal);
        if (vector === undefined) throw new ModelCallError({ provider: this.provider, message: 'embeddings: no vector for the text', isRetryable: false });
        return vector;
      } catch (error) {
        if (!isInvalidInput(error) || cuts >= 8 || current.length < 2) throw this.#failure(error, signal);
        current = current.slice(0, Math.ceil(current.length / 2));
      }
    }
  }

  async #request(batch: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    this.#client ??= import('openai').then(({ default: Client }) => new Client(this.#options));
    const client = await this.#client;
    const response = await client.embeddings.create({ model: this.modelId, input: [...batch], encoding_format: 'float' }, { ...(signal === undefined ? {} : { signal }) });
    const ordered = [...response.data].sort((a, b) => a.index - b.index);
    if (ordered.length !== batch.length) throw new ModelCallError({ provider: this.provider, message: `embeddings: ${ordered.length} vectors for ${batch.length} texts`, isRetryable: false });
    return ordered.map((item) => Float32Array.from(item.embedding));
  }

  /** The error to throw for a failed request: the engine's one table of HTTP-SDK failures (`mapHttpError`). */
  #failure(error: unknown, signal: AbortSignal | undefined): unknown {
    return mapHttpError({ provider: this.provider, url: `${this.#options.baseURL ?? 'https://api.openai.com/v1'}/embeddings`, error, signal });
  }

  async close(): Promise<void> {
    // The HTTP client holds no connection to close.
  }
}
