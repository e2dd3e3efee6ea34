/**
 * @module bench/startup.test
 * The quick form of `startup` (one round, no warm-up round) keeps working: every command exits 0 in a fresh process, the table has a row per
 * command with its target where the issue sets one, and the report is written.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBenchReport } from './lib/benchmark.js';
import { benchmark } from './startup.js';

describe('startup', () => {
  it('quick form: one round of every command, medians and targets in the table', async () => {
    const report = await benchmark.run({ quick: true, args: [], dataDir: resolve(import.meta.dirname, '..', '..', 'shared'), log: () => undefined });
    const [table] = report.tables;
    expect(table?.rows.map((row) => row[0])).toEqual([
      "node -e 0 (no zerr: the machine's speed, for reference)",
      'zerr --help', 'zerr spec check (TypeScript spec)', 'zerr spec check (Python spec)', 'zerr runs list', 'zerr keys create',
      'zerr verify (TypeScript candidate, 8 layers; analysis daemon running)', 'zerr verify --no-daemon (analysis worker in the process)',
      'zerr verify, first run (starts the daemon; empty code cache)',
    ]);
    for (const row of table?.rows ?? []) {
      expect(row[1]).toBe(1);
      expect(row[2]).toBeGreaterThan(0);
    }
    expect(table?.rows.find((row) => String(row[0]).startsWith('zerr verify'))?.[5]).toBe(1500);
    const out = await mkdtemp(join(tmpdir(), 'zerr-startup-report-'));
    try {
      const written = await writeBenchReport(benchmark, report, { outDir: out, quick: true, durationMs: 1, command: 'test' });
      expect(await readFile(written.markdown, 'utf8')).toMatch(/\| zerr verify \(TypeScript candidate, 8 layers; analysis daemon running\) \| 1 \|/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
