import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBenchReport } from './lib/benchmark.js';
import { benchmark } from './scale.js';

interface OverheadFigure { mode: string; jobs: number; mismatched: number; medianMs: number; p95Ms: number }
interface ThroughputFigure {
  workers: number; jobs: number; jobsPerSecondMedian: number; perWorker: number[]; distinctReports: number[]; verifiedReports: number;
  workerCompletions: number; duplicateCompletions: number; queueCompleted: number; queueFailed: number; workerErrors: string[];
  everyJobOnce: boolean; speedup: number | null; verifyCpuMs: number[];
}

describe('scale benchmark (quick)', () => {
  it('measures the queue round trip in-process and on a real redis-server, and completes every sample job exactly once with 1 and 2 worker processes', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'zerr-scale-test-'));
    try {
      const started = performance.now();
      const report = await benchmark.run({ quick: true, args: [], dataDir: outDir, log: () => {} });
      const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: performance.now() - started });

      const overhead = report.figures['overhead'] as OverheadFigure[];
      expect(overhead.map((figure) => figure.mode)).toEqual(['in-process', 'redis, claimer in this process', 'redis, claimer in a worker process']);
      for (const figure of overhead) {
        expect(figure.jobs).toBe(40);
        expect(figure.mismatched).toBe(0);
        expect(Number.isFinite(figure.medianMs) && figure.medianMs > 0).toBe(true);
        expect(figure.p95Ms).toBeGreaterThanOrEqual(figure.medianMs);
      }

      const sections = report.figures['throughput'] as { section: string; perJobMs: number; results: ThroughputFigure[] }[];
      expect(sections.map((section) => section.section)).toEqual(['latency', 'cpu']);
      for (const section of sections) {
        expect(section.results.map((result) => result.workers)).toEqual([1, 2]);
        for (const result of section.results) {
          expect(result.jobsPerSecondMedian).toBeGreaterThan(0);
          expect(result.workerErrors).toEqual([]);
          // Every job completed exactly once: distinct reports, completions add up, no job twice, none failed.
          expect(result.distinctReports).toEqual([result.jobs]);
          expect(result.verifiedReports).toBe(result.jobs);
          expect(result.workerCompletions).toBe(result.jobs);
          expect(result.perWorker).toHaveLength(result.workers);
          expect(result.perWorker.reduce((a, b) => a + b, 0)).toBe(result.jobs);
          expect(result.duplicateCompletions).toBe(0);
          expect(result.queueCompleted).toBe(result.jobs);
          expect(result.queueFailed).toBe(0);
          expect(result.everyJobOnce).toBe(true);
          expect(result.speedup).toBeGreaterThan(0);
        }
      }
      // The cpu section's verification really spent CPU in the workers, one measurement per job.
      const cpu = sections[1];
      expect(cpu?.results.flatMap((result) => result.verifyCpuMs)).toHaveLength(2 * 8);
      expect(cpu?.perJobMs).toBeGreaterThan(5);
      // The latency section is bounded by the simulated model: a single worker cannot beat 1000 / latency jobs/s.
      expect(sections[0]?.results[0]?.jobsPerSecondMedian).toBeLessThanOrEqual(10);

      expect(report.figures['goals']).toMatchObject({ latencySpeedup: { workers: 4, measured: null } });
      const markdown = await readFile(written.markdown, 'utf8');
      expect(markdown).toContain('Queue overhead per empty job');
      expect(markdown).toContain('Verification-bound');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
