/**
 * @module llm/embeddings/create-embedding-model
 * An embedding model from a model URI: `openai:<model>[?baseURL=...]` (an OpenAI-compatible `/embeddings`) or
 * `llama-cpp:<file.gguf>[?threads=N&contextSize=N]`.
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { EmbeddingModel } from '../embedding-model.js';
import { parseModelUri } from '../model-uri.js';
import { LlamaCppEmbeddingModel } from './llama-cpp-embedding-model.js';
import { OpenAiEmbeddingModel } from './openai-embedding-model.js';

/**
 * Opens the embedding model `uri` names.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `uri`) for a malformed URI or a provider without
 *   embeddings (replay, anthropic, mock); ModelUnavailableError when a llama.cpp file cannot be loaded.
 */
export async function createEmbeddingModel(uri: string): Promise<EmbeddingModel> {
  const parsed = parseModelUri(uri);
  if (parsed.provider === 'openai') return new OpenAiEmbeddingModel(parsed.model, { baseURL: parsed.baseURL });
  if (parsed.provider === 'llama-cpp') return LlamaCppEmbeddingModel.create({ modelPath: parsed.path, threads: parsed.threads, contextSize: parsed.contextSize });
  throw new InvalidArgumentError({ parameter: 'uri', value: uri, expected: 'an embedding model: openai:<model>[?baseURL=<url>] or llama-cpp:<file.gguf>' });
}
