import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmark } from './batching.js';
import { writeBenchReport } from './lib/benchmark.js';

const dataDir = process.env['ZERR_DATA_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'shared');

describe('batching benchmark (quick)', () => {
  it('reports positive tokens/s for 1 and 2 sequences in every mode (in process and over HTTP) on the real GGUF model', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'zerr-batching-test-'));
    try {
      const started = performance.now();
      const report = await benchmark.run({ quick: true, args: [], dataDir, log: () => {} });
      const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: performance.now() - started });
      const results = report.figures['results'] as { sequences: number; mode: string; tokensPerSecondMedian: number; rounds: { outputTokens: number }[] }[];
      expect(results.map((r) => `${r.sequences}:${r.mode}`).sort()).toEqual([
        '1:http parallel', '1:http sequential', '1:parallel', '1:sequential', '2:http parallel', '2:http sequential', '2:parallel', '2:sequential',
      ]);
      for (const result of results) {
        expect(result.tokensPerSecondMedian).toBeGreaterThan(0);
        for (const round of result.rounds) expect(round.outputTokens).toBeGreaterThan(0);
      }
      // Over HTTP, a lone client got the same text as sent to the 1-sequence server (same seed).
      const http = report.tables[1];
      expect(http?.title).toContain('HTTP');
      expect(http?.rows.find((row) => row[0] === 1 && row[1] === 'http parallel')?.[8]).toBe('yes');
      expect(report.figures['httpGoal']).toMatchObject({ clients: 4, measured: null });
      const markdown = await readFile(written.markdown, 'utf8');
      expect(markdown).toContain('Tokens per second');
      expect(markdown).toContain('concurrent clients');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
