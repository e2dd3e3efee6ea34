/**
 * @module memory/memory-chunk
 * What the memory holds: chunks of text with metadata (seed guide, Code-God's vector memory: API docs, code modules,
 * task results and errors with metadata filters), and what a search returns.
 */
import { z } from 'zod';

/** Kinds of chunk: API documentation, code, a task's result, a test, an error (a red flag or a failed layer). */
export const MEMORY_CHUNK_TYPES = ['api_doc', 'code', 'task', 'test', 'error'] as const;
/** One of {@link MEMORY_CHUNK_TYPES}. */
export type MemoryChunkType = (typeof MEMORY_CHUNK_TYPES)[number];

/** A chunk to store. */
export const MemoryChunkInputSchema = z.object({
  text: z.string().min(1, 'non-empty text'),
  type: z.enum(MEMORY_CHUNK_TYPES),
  /** Where it came from: a file path (relative to the project), a run id, a URL. */
  source: z.string().min(1),
  /** The symbol a code chunk holds (`solveTask`, `FirstToAheadByKVote`), or the heading path of a document chunk. */
  symbol: z.string().optional(),
  /** 1-based line range of the chunk in `source`, when it is a file. */
  startLine: z.number().int().positive().optional(),
  endLine: z.number().int().positive().optional(),
  taskId: z.string().optional(),
  language: z.string().optional(),
  tags: z.array(z.string().min(1)).default([]),
  /**
   * Isolated memory: `project` (the default, shared), or an archetype's own (`decomposer`, `coder`, ...; seed guide,
   * ZombieCoder's memory per agent). A search sees one namespace.
   */
  namespace: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -').default('project'),
}).strict();
/** A chunk as given (defaults not applied). */
export type MemoryChunkInput = z.input<typeof MemoryChunkInputSchema>;
/** A validated chunk. */
export type MemoryChunk = z.output<typeof MemoryChunkInputSchema>;

/** A stored chunk: the chunk, its id and when it was added (ms epoch). */
export type StoredChunk = MemoryChunk & { readonly id: number; readonly addedAt: number };

/** Filters of a search or a `forget`; every given field must match. */
export interface MemoryFilter {
  readonly namespace?: string;
  readonly type?: MemoryChunkType;
  /** Exact source, or a prefix ending in `/` (a folder). */
  readonly source?: string;
  readonly taskId?: string;
  readonly language?: string;
  /** Every tag listed must be on the chunk. */
  readonly tags?: readonly string[];
}

/** One search result. */
export interface MemoryHit {
  readonly chunk: StoredChunk;
  /** Fused score (higher is better): reciprocal rank fusion of the rankings that found it. */
  readonly score: number;
  /** 1-based rank in the BM25 ranking and in the vector ranking (absent where that ranking did not find it). */
  readonly ranks: { readonly bm25?: number; readonly vector?: number };
}

/**
 * The coder's own namespace (isolated memory per archetype, ZombieCoder): what the engine learns while solving - the
 * code a consensus chose, the red flags and failed layers of samples - goes here, apart from the project's documents
 * and code (`project`). The coder's prompts read both.
 */
export const CODER_NAMESPACE = 'coder';
