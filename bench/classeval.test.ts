/**
 * @module bench/classeval.test
 * The quick form of `classeval` keeps working: the import table has ClassEval's 100 tasks, and a seeded sample of 4
 * reference solutions goes through every layer in the real sandbox, each with a verdict.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmark } from './classeval.js';

describe('classeval', () => {
  it('quick form: the import, and 4 reference solutions through the layers', async () => {
    const report = await benchmark.run({ quick: true, args: [], dataDir: resolve(import.meta.dirname, '..', '..', 'shared'), log: () => undefined });
    const [imported, , references] = report.tables;
    expect(imported?.rows.slice(0, 2)).toEqual([['tasks', 100], ['imported as class specs', 96]]);
    const verdicts = references?.rows.reduce((sum, row) => sum + Number(row[1]), 0);
    expect(verdicts).toBe(4);
    expect(report.figures['references']).toMatchObject({ 'error (threw)': 0 });
  }, 300_000);
});
