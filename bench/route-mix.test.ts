import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GREEDY_MODELS, benchmark } from './route-mix.js';

describe('route-mix benchmark (quick)', () => {
  it('draws each task\'s samples from the nine models\' route and scores the engine\'s choice by its label', async () => {
    const report = await benchmark.run({ quick: true, args: [], dataDir: resolve(import.meta.dirname, '..', '..', 'shared'), log: () => {} });
    const perTask = report.figures['perTask'] as { calls: number; chosen: string | null; passed: boolean; labels: Record<string, boolean>; verified: Record<string, boolean> }[];
    expect(perTask).toHaveLength(2);
    for (const task of perTask) {
      expect(task.calls).toBeGreaterThanOrEqual(2);
      expect(task.calls).toBeLessThanOrEqual(GREEDY_MODELS.length);
      expect(Object.keys(task.labels).sort()).toEqual([...GREEDY_MODELS].sort());
      if (task.chosen !== null) {
        expect(GREEDY_MODELS).toContain(task.chosen);
        expect(task.passed).toBe(task.labels[task.chosen]);
        // A consensus or best-partial choice is a verified sample.
        expect(task.verified[task.chosen]).toBe(true);
      } else {
        expect(task.passed).toBe(false);
      }
    }
    // Every call of the route went to some model: answered calls are the tasks' samples.
    const stats = report.figures['routerStats'] as { answered: number }[];
    expect(stats.reduce((sum, row) => sum + row.answered, 0)).toBe(perTask.reduce((sum, task) => sum + task.calls, 0));
  });
});
