import { describe, expect, test } from 'vitest';
import type { EmbeddingModel } from '../llm/embedding-model.js';
import type { MemoryChunkInput } from './memory-chunk.js';
import { queryTerms, RRF_K, searchableWords, SqliteMemoryStore } from './sqlite-memory-store.js';

/** A deterministic embedder for tests: counts of a few words, so that related texts are near each other. */
function wordCountEmbedder(modelId = 'words-v1', words = ['vote', 'margin', 'sandbox', 'process', 'memory', 'vector']): EmbeddingModel & { calls: number } {
  return {
    provider: 'test', modelId, calls: 0,
    async embed(texts) {
      this.calls += 1;
      return texts.map((text) => Float32Array.from(words.map((word) => (text.toLowerCase().match(new RegExp(word, 'g')) ?? []).length + 0.01)));
    },
    async close() { /* nothing */ },
  };
}

const chunks: MemoryChunkInput[] = [
  { text: '/** First-to-ahead-by-k voting: a class wins once it leads by k. */\nexport class FirstToAheadByKVote {}', type: 'code', source: 'src/vote/vote.ts', symbol: 'FirstToAheadByKVote', language: 'typescript', tags: ['vote'] },
  { text: '/** Runs untrusted code in a bubblewrap sandbox process. */\nexport class BwrapSandbox {}', type: 'code', source: 'src/sandbox/bwrap.ts', symbol: 'BwrapSandbox', language: 'typescript' },
  { text: '## Voting\nThe margin k grows on contested votes.', type: 'api_doc', source: 'docs/voting.md', symbol: 'Voting' },
  { text: 'red flag over-token-cap: the answer ran into the cap', type: 'error', source: 'run-1', taskId: 'clamp', tags: ['red-flag'] },
  { text: 'the decomposer memory of plans', type: 'task', source: 'run-2', namespace: 'decomposer' },
];

async function filled(): Promise<SqliteMemoryStore> {
  const store = SqliteMemoryStore.open(':memory:');
  await store.add(chunks);
  return store;
}

describe('SqliteMemoryStore', () => {
  test('BM25 finds code from prose: identifiers are split into words; the search says it ranked by BM25 alone', async () => {
    const store = await filled();
    const result = await store.search('who leads the vote by k', { k: 2 });
    expect(result.mode).toBe('bm25');
    expect(result.note).toBe('BM25 only: no embedding model configured');
    expect(result.hits[0]?.chunk).toMatchObject({ symbol: 'FirstToAheadByKVote', source: 'src/vote/vote.ts', language: 'typescript', tags: ['vote'] });
    expect(result.hits[0]?.ranks).toEqual({ bm25: 1 });
    expect(result.hits[0]?.score).toBeCloseTo(1 / (RRF_K + 1));
    expect((await store.search('bubblewrap', { k: 5 })).hits.map((hit) => hit.chunk.symbol)).toEqual(['BwrapSandbox']);
    expect(searchableWords({ text: 'solveTask first_to_ahead', source: 's' })).toContain('solve Task first to ahead');
    await store.close();
  });

  test('filters: type, source folder, task, tags; a search sees one namespace (project by default)', async () => {
    const store = await filled();
    expect((await store.search('vote margin', { k: 5, type: 'api_doc' })).hits.map((hit) => hit.chunk.source)).toEqual(['docs/voting.md']);
    expect((await store.search('vote', { k: 5, source: 'src/' })).hits.map((hit) => hit.chunk.source)).toEqual(['src/vote/vote.ts']);
    expect((await store.search('cap', { k: 5, taskId: 'clamp', tags: ['red-flag'] })).hits).toHaveLength(1);
    expect((await store.search('cap', { k: 5, tags: ['vote'] })).hits).toHaveLength(0);
    expect((await store.search('memory plans', { k: 5 })).hits).toHaveLength(0);
    expect((await store.search('memory plans', { k: 5, namespace: 'decomposer' })).hits.map((hit) => hit.chunk.type)).toEqual(['task']);
    await store.close();
  });

  test('adding a source again replaces its chunks; equal chunks are not stored twice; forget by filter or all', async () => {
    const store = await filled();
    expect(await store.add([chunks[0] as MemoryChunkInput])).toEqual({ added: 0, removed: 0 });
    expect(await store.add([{ ...chunks[0], text: 'export class FirstToAheadByKVote { /* v2 */ }' } as MemoryChunkInput], { replaceSources: true })).toEqual({ added: 1, removed: 1 });
    expect((await store.stats())).toMatchObject({ chunks: 5, sources: 5, byNamespace: { project: 4, decomposer: 1 }, byType: { code: 2, api_doc: 1, error: 1, task: 1 }, embeddings: null });
    expect(await store.forget({})).toBe(0);
    expect(await store.forget({ source: 'src/' })).toBe(2);
    expect(await store.forget({ all: true })).toBe(3);
    expect((await store.stats()).chunks).toBe(0);
    await store.close();
  });

  test('with an embedder: vectors are stored and the rankings fused; another model is refused, as is adding without one', async () => {
    const store = SqliteMemoryStore.open(':memory:');
    const embedder = wordCountEmbedder();
    await store.add(chunks, { embedder });
    const result = await store.search('sandbox process', { k: 3, embedder });
    expect(result.mode).toBe('hybrid');
    expect(result.hits[0]?.chunk.symbol).toBe('BwrapSandbox');
    expect(result.hits[0]?.ranks).toEqual({ bm25: 1, vector: 1 });
    expect(result.hits[0]?.score).toBeCloseTo(2 / (RRF_K + 1));
    // A chunk only the vectors find (no shared word with the query) still comes back, ranked by its vector alone.
    const vectorOnly = await store.search('margins', { k: 5, embedder });
    expect(vectorOnly.hits.some((hit) => hit.ranks.bm25 === undefined && hit.ranks.vector !== undefined)).toBe(true);
    expect((await store.stats()).embeddings).toEqual({ model: 'words-v1', dimensions: 6, vectors: 4 + 1 });
    expect((await store.search('sandbox', { k: 1 })).note).toBe('BM25 only: no embedding model given (the memory holds vectors of words-v1)');
    await expect(store.search('sandbox', { embedder: wordCountEmbedder('other') })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'embedder' });
    await expect(store.add([{ text: 'x', type: 'code', source: 'y' }], { embedder: wordCountEmbedder('other') })).rejects.toThrow(/words-v1 \(6 dimensions\)/);
    await expect(store.add([{ text: 'x', type: 'code', source: 'y' }])).rejects.toThrow(/holds vectors/);
    expect(await store.forget({ all: true })).toBe(5);
    await store.close();
  });

  test('bad input names the field; a query is never FTS5 syntax', async () => {
    const store = SqliteMemoryStore.open(':memory:');
    await expect(store.add([{ text: '', type: 'code', source: 's' }])).rejects.toMatchObject({ parameter: 'chunks.0.text' });
    await expect(store.add([{ text: 'x', type: 'poem' as 'code', source: 's' }])).rejects.toMatchObject({ parameter: 'chunks.0.type' });
    await expect(store.search('x', { k: 0 })).rejects.toMatchObject({ parameter: 'options.k' });
    expect(queryTerms('a" OR b* NEAR(c)')).toBe('"a" OR "or" OR "b" OR "near" OR "c"');
    expect((await store.search('"unbalanced AND (', { k: 1 })).hits).toEqual([]);
    expect((await store.search('  ', { k: 1 })).hits).toEqual([]);
    await store.close();
  });
});
