/**
 * @module bench/retrieval.test
 * The quick form of `retrieval` keeps working: queries are drawn from documented exported symbols of `src/vote` and
 * `src/memory`, both settings are scored by BM25, and the figures are in range (a broken ranking would put the
 * indexed setting's recall@5 far below what the words in common give).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmark } from './retrieval.js';

describe('retrieval', () => {
  it('quick form: BM25 finds most documented symbols from their first sentence; without the comments it finds fewer', async () => {
    const report = await benchmark.run({ quick: true, args: [], dataDir: resolve(import.meta.dirname, '..', '..', 'shared'), log: () => undefined });
    const [table] = report.tables;
    expect(table?.rows.map((row) => [row[0], row[1]])).toEqual([['doc comments indexed', 'BM25'], ['doc comments removed', 'BM25']]);
    const queries = Number(table?.rows[0]?.[2]);
    expect(queries).toBeGreaterThan(20);
    const recall5 = (row: number): number => Number.parseFloat(String(table?.rows[row]?.[4]));
    expect(recall5(0)).toBeGreaterThan(80);
    expect(recall5(1)).toBeLessThan(recall5(0));
    expect(report.notes?.[1]).toMatch(/Hybrid was not measured/);
  });
});
