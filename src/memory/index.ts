/**
 * @module memory
 * The memory (issue 17): chunks of code by symbol and of documents by heading, ranked by BM25 and, with an embedding
 * model, by vector similarity too (`sqlite-vec`), fused by reciprocal rank fusion.
 */
export * from './memory-chunk.js';
export { SqliteMemoryStore, RRF_K, queryTerms, searchableWords, type MemorySearchMode, type MemorySearchOptions, type MemorySearchResult, type MemoryStats } from './sqlite-memory-store.js';
export { chunkPaths, chunkOneFile, MAX_MEMORY_FILE_BYTES, type ChunkPathsOptions } from './chunkers/chunk-file.js';
export { chunkTypeScript, docText, type SymbolChunk } from './chunkers/chunk-typescript.js';
export { chunkPython } from './chunkers/chunk-python.js';
export { chunkMarkdown } from './chunkers/chunk-markdown.js';
export { splitByTokens, DEFAULT_CHUNK_TOKENS, type TextPart } from './chunkers/split-by-tokens.js';
export { specKey } from './spec-key.js';
export { retrieveContext, DEFAULT_CONTEXT_TOKENS, type RetrievedContext } from './retrieve-context.js';
