/**
 * @module llm/embedding-model
 * The contract of a model that turns texts into vectors (the memory's embeddings); providers in `embeddings/`.
 */

/** An embedding model. Vectors of one model all have the same length; they are not assumed to be normalised. */
export interface EmbeddingModel {
  readonly provider: string;
  readonly modelId: string;
  /**
   * One vector per text, in order.
   * @throws ModelCallError (`model_call_failed`) when the provider fails; ModelUnavailableError when it cannot be
   *   reached or loaded; the signal's reason when aborted.
   */
  embed(texts: readonly string[], options?: { readonly signal?: AbortSignal }): Promise<Float32Array[]>;
  close(): Promise<void>;
}
