import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import { progressReporter, RunProgress, type ToolExtra } from './tool-context.js';

const base = { runId: 'r1', at: 0 } as const;
const event = (e: Record<string, unknown>): EngineEvent => ({ ...base, ...e }) as unknown as EngineEvent;

describe('RunProgress', () => {
  it('counts a build in tasks plus its integration; a decomposition replaces a node by its subtasks', () => {
    const run = new RunProgress();
    run.observe(event({ type: 'run-start', taskIds: [], model: 'm', kind: 'build' }));
    expect([run.progress, run.total]).toEqual([0.5, 1]);
    run.observe(event({ type: 'nodes-created', replaces: null, nodes: [{ id: 'a', dependencies: [], needsDecomposition: false }, { id: 'b', dependencies: [], needsDecomposition: true }] }));
    expect(run.total).toBe(3);
    run.observe(event({ type: 'nodes-created', replaces: 'b', nodes: [{ id: 'b1', dependencies: [], needsDecomposition: false }, { id: 'b2', dependencies: [], needsDecomposition: false }] }));
    expect(run.total).toBe(4);
    const before = run.progress;
    run.observe(event({ type: 'task-settled', taskId: 'a', source: 'consensus' }));
    expect(run.progress).toBe(1);
    expect(run.progress).toBeGreaterThan(before);
    run.observe(event({ type: 'sample-end', taskId: 'b1', sampleIndex: 0 }));
    expect(run.progress).toBeGreaterThan(1);
    expect(run.progress).toBeLessThan(2);
    run.observe(event({ type: 'run-end', status: 'paused' }));
    expect(run.progress).toBe(run.total);
  });
});

describe('progressReporter', () => {
  it('sends progress with its total only when it rises, and nothing without a progress token', async () => {
    const sent: { progress: number; total: number; message: string }[] = [];
    const extra = { _meta: { progressToken: 't' }, sendNotification: async (n: { params: { progress: number; total: number; message: string } }) => { sent.push(n.params); } } as unknown as ToolExtra;
    const report = progressReporter(extra);
    report(event({ type: 'run-start', taskIds: ['clamp'], model: 'm', kind: 'solve' }));
    report(event({ type: 'task-start', taskId: 'clamp', k: 2, maxSamples: 10 }));
    report(event({ type: 'sample-end', taskId: 'clamp', sampleIndex: 0 }));
    report(event({ type: 'task-end', taskId: 'clamp', outcome: 'consensus', samples: 3 }));
    report(event({ type: 'run-end', status: 'completed' })); // already 1 of 1: not sent again
    await Promise.resolve();
    expect(sent.map((s) => s.message)).toEqual(['run-start (0/1 done)', 'task-start clamp (0/1 done)', 'sample-end clamp#0 (0/1 done)', 'task-end clamp (1/1 done)']);
    expect(sent.every((s) => s.total === 1)).toBe(true);
    expect(sent.map((s) => s.progress)).toEqual([0.5, 2 / 3, 0.75, 1]);
    const silent = progressReporter({ _meta: {}, sendNotification: () => { throw new Error('no token: nothing sent'); } } as unknown as ToolExtra);
    silent(event({ type: 'run-start', taskIds: [], model: 'm' }));
  });
});
