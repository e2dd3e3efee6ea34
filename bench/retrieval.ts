/**
 * @module bench/retrieval
 * `npm run bench -- retrieval` (issue 17 #5): how well the memory finds code. Corpus: this repository's `src/` chunked
 * by symbol (`chunkPaths`, tests included as distractors). Queries: for each exported symbol with a doc comment, the
 * first sentence of that comment; the answer is that symbol's chunk. Recall@1/5/10 and MRR (reciprocal rank, 0 when the
 * chunk is not among the best 200), in two settings: the chunks as indexed (their doc comments in them, so the query's
 * words are in the answer) and the chunks with their doc comments removed (finding code from a description of it).
 *
 * Rankers: BM25 alone (the baseline, always), and BM25 fused with vectors when `--embeddings <uri>` names an
 * embedding model (no code-capable one exists on these machines; the 260K story model's vectors have no meaning, and
 * the report says which model it was). `--quick`: `src/vote` and `src/memory` only.
 */
import { resolve } from 'node:path';
import { createEmbeddingModel } from '../src/llm/embeddings/create-embedding-model.js';
import type { EmbeddingModel } from '../src/llm/embedding-model.js';
import { chunkPaths, chunkTypeScript, SqliteMemoryStore, type MemoryChunkInput } from '../src/memory/index.js';
import { median, type Benchmark, type BenchReport } from './lib/benchmark.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Ranks looked at: a chunk below this counts as not found (reciprocal rank 0). */
const DEPTH = 200;

/** One query and the chunk that answers it. */
interface Query {
  readonly text: string;
  readonly source: string;
  readonly symbol: string;
}

/** Figures of one ranker in one setting. */
interface Scores {
  readonly setting: string;
  readonly ranker: string;
  readonly queries: number;
  readonly recallAt1: number;
  readonly recallAt5: number;
  readonly recallAt10: number;
  readonly mrr: number;
  readonly medianQueryMs: number;
}

export const benchmark: Benchmark = {
  name: 'retrieval',
  description:
    "The memory's retrieval on this repository's own source: for each exported symbol, the first sentence of its doc comment as the query; recall@k and MRR of finding the symbol's chunk, by BM25 and (with --embeddings) hybrid.",
  async run(context): Promise<BenchReport> {
    const folders = context.quick ? ['src/vote', 'src/memory'] : ['src'];
    const embeddingsIndex = context.args.indexOf('--embeddings');
    const embeddingsUri = embeddingsIndex >= 0 ? context.args[embeddingsIndex + 1] : undefined;
    const { chunks } = await chunkPaths(folders.map((folder) => resolve(ROOT, folder)), { root: ROOT });
    const queries = queriesOf(chunks);
    context.log(`retrieval: ${chunks.length} chunks, ${queries.length} queries`);
    const embedder = embeddingsUri === undefined ? undefined : await createEmbeddingModel(embeddingsUri);
    const scores: Scores[] = [];
    try {
      for (const setting of ['doc comments indexed', 'doc comments removed'] as const) {
        const corpus = setting === 'doc comments indexed' ? chunks : chunks.map(withoutDocComment);
        const store = SqliteMemoryStore.open(':memory:');
        try {
          await store.add(corpus);
          scores.push(await score(store, queries, setting, 'BM25', undefined));
          context.log(`retrieval: ${setting}, BM25 done`);
          if (embedder !== undefined) {
            const hybrid = SqliteMemoryStore.open(':memory:');
            try {
              await hybrid.add(corpus, { embedder });
              scores.push(await score(hybrid, queries, setting, `hybrid (BM25 + ${embedder.modelId}, RRF k=60)`, embedder));
            } finally {
              await hybrid.close();
            }
          }
        } finally {
          await store.close();
        }
      }
    } finally {
      await embedder?.close();
    }
    const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
    return {
      config: { folders, depth: DEPTH, chunks: chunks.length, queries: queries.length, embeddings: embeddingsUri ?? null },
      seeds: {},
      figures: Object.fromEntries(scores.map((s) => [`${s.setting} / ${s.ranker}`, { recallAt1: s.recallAt1, recallAt5: s.recallAt5, recallAt10: s.recallAt10, mrr: s.mrr, medianQueryMs: s.medianQueryMs }])),
      tables: [{
        title: `Finding a symbol's chunk from the first sentence of its doc comment (${queries.length} queries over ${chunks.length} chunks of ${folders.join(', ')})`,
        columns: ['chunks', 'ranker', 'queries', 'recall@1', 'recall@5', 'recall@10', 'MRR', 'median ms/query'],
        rows: scores.map((s) => [s.setting, s.ranker, s.queries, pct(s.recallAt1), pct(s.recallAt5), pct(s.recallAt10), s.mrr.toFixed(3), s.medianQueryMs.toFixed(2)]),
      }],
      notes: [
        'BM25 is the baseline: SQLite FTS5 (Porter stemming) over each chunk\'s text, source path and symbol, with identifiers also split into words (solveTask -> solve task).',
        embedder === undefined
          ? 'Hybrid was not measured: no embedding model was given (--embeddings <uri>); no code-capable embedding model exists on these machines.'
          : `Hybrid used ${embedder.modelId}; a model without code understanding (the 260K-parameter story model) gives vectors of no quality, so a hybrid figure below BM25 says nothing about hybrid retrieval with a real embedding model.`,
        '"doc comments removed": the indexed chunk is the code alone, so the query\'s sentence is nowhere in it - the harder and more telling setting.',
      ],
    };
  },
};

/** The first sentence of each exported, documented symbol's doc comment (at least 4 words), one query per symbol. */
function queriesOf(chunks: readonly MemoryChunkInput[]): Query[] {
  const queries: Query[] = [];
  for (const chunk of chunks) {
    if (chunk.type !== 'code' || chunk.language !== 'typescript' || chunk.symbol === undefined || chunk.symbol.includes('(part ')) continue;
    const [symbol] = chunkTypeScript(chunk.source, chunk.text).filter((parsed) => parsed.symbol === chunk.symbol);
    if (symbol === undefined || !symbol.exported || symbol.doc === null) continue;
    const sentence = firstSentence(symbol.doc);
    if (sentence.split(/\s+/).length < 4) continue;
    queries.push({ text: sentence, source: chunk.source, symbol: chunk.symbol });
  }
  return queries;
}

function firstSentence(doc: string): string {
  const match = /^(.*?[.:;])(\s|$)/.exec(doc);
  return (match?.[1] ?? doc).trim();
}

/** The chunk with its leading doc comment (and any other `/** ... *\/` block) removed. */
function withoutDocComment(chunk: MemoryChunkInput): MemoryChunkInput {
  const text = chunk.text.replace(/\/\*\*[\s\S]*?\*\//g, '').trim();
  return { ...chunk, text: text === '' ? chunk.symbol ?? chunk.source : text };
}

async function score(store: SqliteMemoryStore, queries: readonly Query[], setting: string, ranker: string, embedder: EmbeddingModel | undefined): Promise<Scores> {
  let hit1 = 0;
  let hit5 = 0;
  let hit10 = 0;
  let reciprocal = 0;
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const { hits } = await store.search(query.text, { k: DEPTH, ...(embedder === undefined ? {} : { embedder }) });
    times.push(performance.now() - started);
    const rank = hits.findIndex((hit) => hit.chunk.source === query.source && hit.chunk.symbol === query.symbol) + 1;
    if (rank === 0) continue;
    if (rank <= 1) hit1 += 1;
    if (rank <= 5) hit5 += 1;
    if (rank <= 10) hit10 += 1;
    reciprocal += 1 / rank;
  }
  const n = Math.max(1, queries.length);
  return { setting, ranker, queries: queries.length, recallAt1: hit1 / n, recallAt5: hit5 / n, recallAt10: hit10 / n, mrr: reciprocal / n, medianQueryMs: median(times) };
}
