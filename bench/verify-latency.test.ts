/**
 * @module bench/verify-latency.test
 * The quick form of `verify-latency` keeps working: 4 MBXP-TS candidates through both pipelines, report written.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBenchReport } from './lib/benchmark.js';
import { benchmark, latencyCandidates } from './verify-latency.js';
import { loadMbxpProblems } from './verify/mbxp-dataset.js';

const dataDir = process.env['ZERR_DATA_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'shared');
const outDirs: string[] = [];

afterAll(async () => {
  for (const dir of outDirs) await rm(dir, { recursive: true, force: true });
});

describe('verify-latency', () => {
  it('samples known-good candidates whose every assert is a literal, repeatably', async () => {
    const problems = await loadMbxpProblems(dataDir);
    const first = latencyCandidates(problems, 10).map((p) => p.id);
    expect(latencyCandidates(problems, 10).map((p) => p.id)).toEqual(first);
    for (const problem of latencyCandidates(problems, 10)) {
      expect(problem.knownGood).toBe(true);
      expect(problem.unreadTests).toBe(0);
      expect(problem.spec.testCases.length).toBeGreaterThan(0);
    }
  });

  it('quick run: both pipelines time every candidate, warm is faster, report files are written', async () => {
    const started = performance.now();
    const report = await benchmark.run({ quick: true, args: [], dataDir, log: () => undefined });
    const outDir = await mkdtemp(join(tmpdir(), 'zerr-bench-'));
    outDirs.push(outDir);
    const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: performance.now() - started });
    const figures = report.figures as {
      candidates: number; warm: { median: number; p10: number; p90: number }; cold: { median: number }; speedUpOfMedians: number;
      warmPassed: number; coldPassed: number;
    };
    expect(figures.candidates).toBe(4);
    expect(figures.warm.median).toBeGreaterThan(0);
    expect(figures.cold.median).toBeGreaterThan(0);
    expect(figures.warm.p10).toBeLessThanOrEqual(figures.warm.median);
    expect(figures.warm.median).toBeLessThanOrEqual(figures.warm.p90);
    // A spawned tsc re-parses the lib every time; the warm compiler does not.
    expect(figures.speedUpOfMedians).toBeGreaterThan(1);
    expect(figures.warmPassed).toBeLessThanOrEqual(4);
    expect(figures.coldPassed).toBe(4);
    const json = JSON.parse(await readFile(written.json, 'utf8')) as { benchmark: string; figures: unknown };
    expect(json.benchmark).toBe('verify-latency');
    expect(await readFile(written.markdown, 'utf8')).toContain('| warm (syntax + types + unit tests, bwrap) | 4 |');
    expect(written.svg).not.toBeNull();
    expect(await readFile(written.svg ?? '', 'utf8')).toMatch(/^<svg/);
  });
});
