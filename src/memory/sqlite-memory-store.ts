/**
 * @module memory/sqlite-memory-store
 * The embedded memory: one SQLite file with the chunks, an FTS5 index ranked by BM25, and - when an embedding model
 * is given - a `sqlite-vec` vector table (cosine distance); a search fuses the two rankings by reciprocal rank fusion (Cormack, Clarke
 * and Büttcher 2009, k = 60). Without an embedding model the memory ranks by BM25 alone and says so (`mode`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { parseOptions } from '../errors/parse-options.js';
import type { EmbeddingModel } from '../llm/embedding-model.js';
import { MemoryChunkInputSchema, type MemoryChunk, type MemoryChunkInput, type MemoryFilter, type MemoryHit, type StoredChunk } from './memory-chunk.js';
import { z } from 'zod';

/** The constant of reciprocal rank fusion: a hit at rank r scores 1 / (RRF_K + r) in each ranking. */
export const RRF_K = 60;

/** How a search ranked: by BM25 alone, or BM25 fused with vector similarity. */
export type MemorySearchMode = 'bm25' | 'hybrid';

/** Options of {@link SqliteMemoryStore.search}. */
export interface MemorySearchOptions extends MemoryFilter {
  /** Hits to return. Default 5. */
  readonly k?: number;
  /** The embedding model of the stored vectors; absent: BM25 alone. */
  readonly embedder?: EmbeddingModel | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a search found and how it ranked. */
export interface MemorySearchResult {
  readonly hits: readonly MemoryHit[];
  readonly mode: MemorySearchMode;
  /** Why a search that could not use vectors ranked by BM25 alone (no embedding model, no vectors stored). */
  readonly note?: string;
}

/** What the memory holds. */
export interface MemoryStats {
  readonly path: string;
  readonly chunks: number;
  readonly sources: number;
  readonly byNamespace: Readonly<Record<string, number>>;
  readonly byType: Readonly<Record<string, number>>;
  /** The model the vectors were made with, their length and how many chunks have one; null without vectors. */
  readonly embeddings: { readonly model: string; readonly dimensions: number; readonly vectors: number } | null;
}

interface ChunkRow {
  id: number; namespace: string; type: string; source: string; symbol: string | null; start_line: number | null; end_line: number | null;
  task_id: string | null; language: string | null; tags: string; text: string; added_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, symbol TEXT,
  start_line INTEGER, end_line INTEGER, task_id TEXT, language TEXT, tags TEXT NOT NULL, text TEXT NOT NULL,
  words TEXT NOT NULL, content_hash TEXT NOT NULL, added_at INTEGER NOT NULL,
  UNIQUE (namespace, source, content_hash)
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks (namespace, source);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(words, content='chunks', content_rowid='id', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, words) VALUES (new.id, new.words);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, words) VALUES ('delete', old.id, old.words);
END;
`;

/** Schema version in `PRAGMA user_version`. */
const SCHEMA_VERSION = 1;

const SearchSchema = z.object({ k: z.number().int().min(1, 'an integer >= 1').max(1000, 'an integer <= 1000').default(5) }).loose();

/** The memory in one SQLite file (created with its folder on open). Synchronous SQLite under an async contract. */
export class SqliteMemoryStore {
  readonly #db: Database.Database;

  private constructor(readonly path: string, db: Database.Database) {
    this.#db = db;
  }

  /**
   * Opens (or creates) the memory at `path` (`:memory:` for a private in-memory one).
   * @throws InvalidArgumentError (`invalid_argument`, parameter `path`) for a file of a newer schema; better-sqlite3's
   *   errors for a file that is not a database.
   */
  static open(path: string): SqliteMemoryStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      sqliteVec.load(db);
      db.pragma('journal_mode = WAL');
      // The CLI and an editor's MCP server may use one memory at once: wait for the other's write.
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new InvalidArgumentError({ parameter: 'path', value: path, expected: `a memory of schema ${SCHEMA_VERSION} or older (this one is ${version}: written by a newer zerr)` });
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteMemoryStore(path, db);
  }

  /**
   * Stores `chunks`. With `replaceSources` (what `zerr memory add` of a file does) the chunks the memory holds of the
   * same namespace and source are removed first, so that adding a file again updates it; otherwise a chunk equal to
   * a stored one (namespace, source, text) is skipped. With `embedder`, each new chunk gets a vector.
   * @returns how many chunks were added and removed.
   * @throws InvalidArgumentError (`invalid_argument`, parameter `chunks.<i>.<field>`) for a malformed chunk;
   *   `embedder` when the memory's vectors were made by another model or have another length, or when the memory
   *   holds vectors and no embedder is given; the embedder's errors
   *   (nothing is stored then).
   */
  async add(chunks: readonly MemoryChunkInput[], options: { readonly replaceSources?: boolean; readonly embedder?: EmbeddingModel | undefined; readonly signal?: AbortSignal | undefined } = {}): Promise<{ added: number; removed: number }> {
    const valid = chunks.map((chunk, index) => parseOptions(MemoryChunkInputSchema, chunk, `chunks.${index}`));
    const meta = this.#embeddingMeta();
    if (meta !== null && options.embedder === undefined && valid.length > 0) {
      // Every chunk of a memory with vectors has one, so that the vector ranking sees all of them.
      throw new InvalidArgumentError({ parameter: 'embedder', value: undefined, expected: `the memory's embedding model ${meta.model} (it holds vectors: every chunk added gets one; or forget everything to go back to BM25 alone)` });
    }
    const vectors = options.embedder === undefined || valid.length === 0 ? undefined
      : await options.embedder.embed(valid.map((chunk) => embeddingText(chunk)), { ...(options.signal === undefined ? {} : { signal: options.signal }) });
    if (vectors !== undefined && options.embedder !== undefined) this.#ensureVectorTable(options.embedder.modelId, vectors[0]?.length ?? 0);
    const insert = this.#db.prepare(`INSERT OR IGNORE INTO chunks (namespace, type, source, symbol, start_line, end_line, task_id, language, tags, text, words, content_hash, added_at)
      VALUES (@namespace, @type, @source, @symbol, @startLine, @endLine, @taskId, @language, @tags, @text, @words, @hash, @addedAt)`);
    const insertVector = vectors === undefined ? undefined : this.#db.prepare('INSERT INTO chunk_vectors (rowid, embedding) VALUES (?, ?)');
    const removeSource = this.#db.prepare('DELETE FROM chunks WHERE namespace = ? AND source = ? RETURNING id');
    const removeVector = this.#hasVectors() ? this.#db.prepare('DELETE FROM chunk_vectors WHERE rowid = ?') : undefined;
    const now = Date.now();
    return this.#db.transaction(() => {
      let removed = 0;
      if (options.replaceSources === true) {
        for (const key of new Set(valid.map((chunk) => JSON.stringify([chunk.namespace, chunk.source])))) {
          const [namespace, source] = JSON.parse(key) as [string, string];
          for (const row of removeSource.all(namespace, source) as { id: number }[]) {
            removed += 1;
            removeVector?.run(BigInt(row.id));
          }
        }
      }
      let added = 0;
      valid.forEach((chunk, index) => {
        const result = insert.run({
          namespace: chunk.namespace, type: chunk.type, source: chunk.source, symbol: chunk.symbol ?? null,
          startLine: chunk.startLine ?? null, endLine: chunk.endLine ?? null, taskId: chunk.taskId ?? null, language: chunk.language ?? null,
          tags: JSON.stringify(chunk.tags), text: chunk.text, words: searchableWords(chunk), hash: contentHash(chunk.text), addedAt: now,
        });
        if (result.changes === 0) return;
        added += 1;
        const vector = vectors?.[index];
        if (insertVector !== undefined && vector !== undefined) insertVector.run(BigInt(result.lastInsertRowid), vector);
      });
      return { added, removed };
    })();
  }

  /**
   * The `k` chunks that best match `query` among those `options` filters let through (in namespace `project` unless
   * `options.namespace` names another): BM25 over the chunk's words
   * (identifiers split at camelCase and `_`, Porter-stemmed), fused with vector similarity when an embedder is given
   * and the memory holds its vectors. Each ranking looks at its best 200 candidates.
   * @throws InvalidArgumentError (`invalid_argument`, parameter `options.k`); `embedder` for an embedder other than the
   *   vectors' model; the embedder's errors.
   */
  async search(query: string, options: MemorySearchOptions = {}): Promise<MemorySearchResult> {
    const { k } = parseOptions(SearchSchema, options, 'options');
    const depth = Math.max(200, k * 10);
    // A search sees one namespace: the project's unless another is named (isolated memory per archetype).
    const { where, params } = filterSql({ ...options, namespace: options.namespace ?? 'project' });
    const terms = queryTerms(query);
    const bm25 = terms === '' ? [] : this.#db.prepare(`SELECT c.id AS id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
      WHERE chunks_fts MATCH ? ${where === '' ? '' : `AND ${where}`} ORDER BY bm25(chunks_fts) LIMIT ?`).all(terms, ...params, depth) as { id: number }[];
    let vectorIds: number[] = [];
    let note: string | undefined;
    const meta = this.#embeddingMeta();
    if (options.embedder === undefined) note = meta === null ? 'BM25 only: no embedding model configured' : `BM25 only: no embedding model given (the memory holds vectors of ${meta.model})`;
    else if (meta === null) note = 'BM25 only: the memory holds no vectors (add chunks with an embedding model first)';
    else {
      if (meta.model !== options.embedder.modelId) {
        throw new InvalidArgumentError({ parameter: 'embedder', value: options.embedder.modelId, expected: `the model the memory's vectors were made with (${meta.model})` });
      }
      const [vector] = await options.embedder.embed([query], { ...(options.signal === undefined ? {} : { signal: options.signal }) });
      if (vector !== undefined) {
        const nearest = this.#db.prepare('SELECT rowid AS id FROM chunk_vectors WHERE embedding MATCH ? AND k = ? ORDER BY distance').all(vector, depth) as { id: number }[];
        const allowed = where === '' ? undefined : new Set((this.#db.prepare(`SELECT c.id AS id FROM chunks c WHERE ${where}`).all(...params) as { id: number }[]).map((row) => row.id));
        vectorIds = nearest.map((row) => Number(row.id)).filter((id) => allowed === undefined || allowed.has(id));
      }
    }
    const fused = new Map<number, { score: number; ranks: { bm25?: number; vector?: number } }>();
    bm25.forEach((row, index) => fused.set(row.id, { score: 1 / (RRF_K + index + 1), ranks: { bm25: index + 1 } }));
    vectorIds.forEach((id, index) => {
      const entry = fused.get(id) ?? { score: 0, ranks: {} };
      fused.set(id, { score: entry.score + 1 / (RRF_K + index + 1), ranks: { ...entry.ranks, vector: index + 1 } });
    });
    const top = [...fused].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, k);
    const byId = this.#rowsById(top.map(([id]) => id));
    const hits = top.flatMap(([id, entry]) => {
      const row = byId.get(id);
      return row === undefined ? [] : [{ chunk: chunkOf(row), score: entry.score, ranks: entry.ranks }];
    });
    return { hits, mode: vectorIds.length > 0 || (options.embedder !== undefined && meta !== null) ? 'hybrid' : 'bm25', ...(note === undefined ? {} : { note }) };
  }

  /**
   * The chunks `filter` matches, newest first (no ranking): what the verified-solution cache looks up by tag.
   * @param options.limit most chunks returned. Default 20.
   */
  async find(filter: MemoryFilter, options: { readonly limit?: number } = {}): Promise<StoredChunk[]> {
    const { where, params } = filterSql(filter);
    const rows = this.#db.prepare(`SELECT * FROM chunks AS c ${where === '' ? '' : `WHERE ${where}`} ORDER BY c.added_at DESC, c.id DESC LIMIT ?`)
      .all(...params, options.limit ?? 20) as ChunkRow[];
    return rows.map(chunkOf);
  }

  /** Counts of what the memory holds. */
  async stats(): Promise<MemoryStats> {
    const count = (sql: string): number => (this.#db.prepare(sql).get() as { n: number }).n;
    const grouped = (column: string): Record<string, number> => Object.fromEntries((this.#db.prepare(`SELECT ${column} AS key, COUNT(*) AS n FROM chunks GROUP BY ${column} ORDER BY ${column}`).all() as { key: string; n: number }[]).map((row) => [row.key, row.n]));
    const meta = this.#embeddingMeta();
    return {
      path: this.path,
      chunks: count('SELECT COUNT(*) AS n FROM chunks'),
      sources: count('SELECT COUNT(DISTINCT source) AS n FROM chunks'),
      byNamespace: grouped('namespace'),
      byType: grouped('type'),
      embeddings: meta === null ? null : { ...meta, vectors: count('SELECT COUNT(*) AS n FROM chunk_vectors') },
    };
  }

  /**
   * Removes the chunks `filter` matches (with their vectors). An empty filter removes nothing: pass `all` to empty
   * the memory.
   * @returns how many chunks were removed.
   */
  async forget(filter: MemoryFilter & { readonly all?: boolean }): Promise<number> {
    const { where, params } = filterSql(filter);
    if (where === '' && filter.all !== true) return 0;
    const removeVector = this.#hasVectors() ? this.#db.prepare('DELETE FROM chunk_vectors WHERE rowid = ?') : undefined;
    return this.#db.transaction(() => {
      const rows = this.#db.prepare(`DELETE FROM chunks AS c ${where === '' ? '' : `WHERE ${where}`} RETURNING id`).all(...params) as { id: number }[];
      for (const row of rows) removeVector?.run(BigInt(row.id));
      return rows.length;
    })();
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #rowsById(ids: readonly number[]): Map<number, ChunkRow> {
    if (ids.length === 0) return new Map();
    const rows = this.#db.prepare(`SELECT * FROM chunks WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as ChunkRow[];
    return new Map(rows.map((row) => [row.id, row]));
  }

  #embeddingMeta(): { model: string; dimensions: number } | null {
    const model = this.#db.prepare("SELECT value FROM meta WHERE key = 'embedding_model'").get() as { value: string } | undefined;
    const dimensions = this.#db.prepare("SELECT value FROM meta WHERE key = 'embedding_dimensions'").get() as { value: string } | undefined;
    return model === undefined || dimensions === undefined ? null : { model: model.value, dimensions: Number(dimensions.value) };
  }

  #hasVectors(): boolean {
    return this.#embeddingMeta() !== null;
  }

  /** Creates the vector table for `model`'s vectors of `dimensions`, or checks that the existing one is theirs. */
  #ensureVectorTable(model: string, dimensions: number): void {
    const meta = this.#embeddingMeta();
    if (meta !== null) {
      if (meta.model !== model || meta.dimensions !== dimensions) {
        throw new InvalidArgumentError({ parameter: 'embedder', value: `${model} (${dimensions} dimensions)`, expected: `the model the memory's vectors were made with: ${meta.model} (${meta.dimensions} dimensions); forget everything (zerr memory forget --all) to change models` });
      }
      return;
    }
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new InvalidArgumentError({ parameter: 'embedder', value: dimensions, expected: 'vectors of at least one dimension' });
    this.#db.transaction(() => {
      this.#db.exec(`CREATE VIRTUAL TABLE chunk_vectors USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
      this.#db.prepare("INSERT INTO meta (key, value) VALUES ('embedding_model', ?), ('embedding_dimensions', ?)").run(model, String(dimensions));
    })();
  }
}

/** The SQL condition of a filter over table alias `c`, with its parameters. */
function filterSql(filter: MemoryFilter): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    parts.push(`c.${column} = ?`);
    params.push(value);
  };
  equal('namespace', filter.namespace);
  equal('type', filter.type);
  equal('task_id', filter.taskId);
  equal('language', filter.language);
  if (filter.source !== undefined) {
    if (filter.source.endsWith('/')) {
      parts.push("substr(c.source, 1, length(?)) = ?");
      params.push(filter.source, filter.source);
    } else equal('source', filter.source);
  }
  for (const tag of filter.tags ?? []) {
    parts.push('EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)');
    params.push(tag);
  }
  return { where: parts.join(' AND '), params };
}

function chunkOf(row: ChunkRow): StoredChunk {
  return {
    id: row.id, namespace: row.namespace, type: row.type as MemoryChunk['type'], source: row.source, text: row.text,
    ...(row.symbol === null ? {} : { symbol: row.symbol }),
    ...(row.start_line === null ? {} : { startLine: row.start_line }),
    ...(row.end_line === null ? {} : { endLine: row.end_line }),
    ...(row.task_id === null ? {} : { taskId: row.task_id }),
    ...(row.language === null ? {} : { language: row.language }),
    tags: JSON.parse(row.tags) as string[], addedAt: row.added_at,
  };
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The words BM25 sees of a chunk: its symbol, source path and text, with identifiers also split into their words
 * (`solveTask` -> `solve task`, `first_to_ahead` -> `first to ahead`), so that a query in prose finds code.
 */
export function searchableWords(chunk: Pick<MemoryChunk, 'text' | 'symbol' | 'source'>): string {
  const text = `${chunk.symbol ?? ''} ${chunk.source} ${chunk.text}`;
  return `${text} ${splitIdentifiers(text)}`;
}

function splitIdentifiers(text: string): string {
  return (text.match(/[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*/g) ?? [])
    .filter((word) => /[a-z][A-Z]|_/.test(word))
    .map((word) => word.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').replace(/_/g, ' '))
    .join(' ');
}

/** An FTS5 query that ORs the query's words (each quoted: no FTS5 syntax reaches the index from a query). */
export function queryTerms(query: string): string {
  const words = `${query} ${splitIdentifiers(query)}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].map((word) => `"${word}"`).join(' OR ');
}

/** The text a chunk is embedded from: its symbol and text (cut by the embedder to its context). */
function embeddingText(chunk: MemoryChunk): string {
  return chunk.symbol === undefined ? chunk.text : `${chunk.symbol}\n${chunk.text}`;
}
