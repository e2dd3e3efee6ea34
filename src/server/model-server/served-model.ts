/**
 * @module server/model-server/served-model
 * What the OpenAI-compatible model server needs from the model it serves: generation (whole and streamed),
 * embeddings, token counting and the sequence figures for admission and metrics. `LlamaCppLanguageModel` is one.
 */
import type { EmbedResult, GenerateOptions, GenerateResult, TextChunkListener } from '../../index.js';

/** A model the model server can serve (structurally: `LlamaCppLanguageModel`). */
export interface ServedModel {
  /** The id `GET /v1/models` lists and requests name in `model`. */
  readonly modelId: string;
  /** Parallel sequences: the most generations that run at once. */
  readonly sequences: number;
  /** Sequences generating now. */
  readonly activeSequences: number;
  /** Tokens of one sequence's context (prompt and output together). */
  readonly contextSize: number;
  /** Tokens `text` is tokenized as. */
  countTokens(text: string): number;
  generate(options: GenerateOptions): Promise<GenerateResult>;
  /** As `generate`, calling `onTextChunk` with the text as it is decoded (the pieces concatenate to the text). */
  generateStreaming(options: GenerateOptions, onTextChunk: TextChunkListener): Promise<GenerateResult>;
  /** One embedding vector per text. */
  embed(texts: readonly string[], options?: { readonly signal?: AbortSignal }): Promise<EmbedResult>;
}
