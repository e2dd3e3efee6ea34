/**
 * @module mcp/tools/memory-search-tool
 * The `memory_search` tool: the project's memory searched as `zerr memory search` does (BM25, said plainly; vectors
 * only where the CLI added them with an embedding model, which this tool does not load). Read-only; needs no model.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MEMORY_CHUNK_TYPES, type SqliteMemoryStore } from '../../index.js';
import { guarded, toolResult } from '../tool-context.js';

/** Input of `memory_search`. */
export const memorySearchInputShape = {
  query: z.string().describe('What to look for, in words or identifiers.'),
  k: z.number().int().positive().optional().describe('How many chunks. Default 5.'),
  type: z.enum(MEMORY_CHUNK_TYPES).optional().describe('Only chunks of this type: api_doc, code, task, test or error.'),
  source: z.string().optional().describe('Only this source, or a folder ending in /.'),
  language: z.string().optional().describe('Only this language (typescript, python, ...).'),
  namespace: z.string().optional().describe('The namespace searched. Default project.'),
};

/** Registers `memory_search` on `server`; `openMemory` opens the project's memory for one call (closed after it). */
export function registerMemorySearchTool(server: McpServer, openMemory: () => Promise<SqliteMemoryStore>): void {
  server.registerTool('memory_search', {
    title: "Search the project's memory",
    description:
      "Search the project's memory (code chunked by symbol, documents by heading, remembered task results and failures; filled with `zerr memory add` and `zerr solve --memory`): the best chunks for a query by BM25, with their source, line range, symbol and type.",
    inputSchema: memorySearchInputShape,
    annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  }, guarded(async (args) => {
    const memory = await openMemory();
    try {
      const result = await memory.search(args.query, {
        ...(args.k === undefined ? {} : { k: args.k }),
        ...(args.type === undefined ? {} : { type: args.type }),
        ...(args.source === undefined ? {} : { source: args.source }),
        ...(args.language === undefined ? {} : { language: args.language }),
        ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
      });
      const hits = result.hits.map((hit) => ({
        source: hit.chunk.source, startLine: hit.chunk.startLine ?? null, endLine: hit.chunk.endLine ?? null, symbol: hit.chunk.symbol ?? null,
        type: hit.chunk.type, language: hit.chunk.language ?? null, score: hit.score, text: hit.chunk.text,
      }));
      const lines = [`ranking: ${result.mode === 'hybrid' ? 'BM25 and vectors' : result.note ?? 'BM25 only'}; ${hits.length} chunk(s)`];
      for (const hit of hits) lines.push('', `${hit.source}${hit.startLine === null ? '' : `:${hit.startLine}-${hit.endLine ?? hit.startLine}`} ${hit.symbol ?? ''} [${hit.type}]`, hit.text);
      return toolResult({ mode: result.mode, note: result.note ?? null, hits }, lines.join('\n'));
    } finally {
      await memory.close();
    }
  }));
}
