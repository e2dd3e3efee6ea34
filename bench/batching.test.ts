import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmark } from './batching.js';
import { writeBenchReport } from './lib/benchmark.js';

const dataDir = process.env['ZERR_DATA_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'shared');

describe('batching benchmark (quick)', () => {
  it('reports positive tokens/s for 1 and 2 sequences in both modes on the real GGUF model', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'zerr-batching-test-'));
    try {
      const started = performance.now();
      const report = await benchmark.run({ quick: true, args: [], dataDir, log: () => {} });
      const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: performance.now() - started });
      const results = report.figures['results'] as { sequences: number; mode: string; tokensPerSecondMedian: number; rounds: { outputTokens: number }[] }[];
      expect(results.map((r) => `${r.sequences}:${r.mode}`).sort()).toEqual(['1:parallel', '1:sequential', '2:parallel', '2:sequential']);
      for (const result of results) {
        expect(result.tokensPerSecondMedian).toBeGreaterThan(0);
        for (const round of result.rounds) expect(round.outputTokens).toBeGreaterThan(0);
      }
      expect(await readFile(written.markdown, 'utf8')).toContain('Tokens per second');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
