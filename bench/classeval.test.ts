/**
 * @module bench/classeval.test
 * The quick form of `classeval` keeps working: the import table has ClassEval's 100 tasks, and a seeded sample of 4
 * reference solutions goes through every layer in the real sandbox, each with a verdict; and ChatGPT's recorded samples
 * of 2 tasks are replayed through the engine, each way of choosing scored.
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
    const selection = report.tables.find((table) => table.title.startsWith('Choosing one class'));
    expect(selection?.rows).toHaveLength(1);
    const [model, tasks, random, majority, zerr, oracle] = selection?.rows[0] ?? [];
    expect([model, tasks]).toEqual(['ChatGPT', 2]);
    // Every way of choosing is a share of the tasks, and none beats the oracle.
    for (const figure of [random, majority, zerr]) expect(Number(figure)).toBeLessThanOrEqual(Number(oracle));
    const proxy = report.tables.find((table) => table.title.startsWith('The class proxy'));
    expect(proxy?.rows[0]?.[1]).toBe(10);
  }, 300_000);
});
