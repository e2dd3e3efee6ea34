/**
 * Forged results through the queue (`test/fixtures/hostile/queue/`): whoever can write to the queue's Redis can
 * complete a sample job with a report of their own. The run's owner checks the report as untrusted plain data and
 * verifies again, in its own process, the code a vote would choose; a forgery pauses the run and is never decided on.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clampSpec } from '../fixtures/orchestrate/specs.js';
import { createEngine } from '../../src/engine.js';
import { MockLanguageModel } from '../../src/llm/providers/mock/mock-language-model.js';
import { InProcessQueue } from '../../src/queue/in-process-queue.js';
import type { JsonObject } from '../../src/queue/work-queue.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { MemoryRunStore } from '../../src/store/index.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/hostile/queue');
/** Passes the spec's signature check but not its tests: it ignores the bounds. */
const WRONG_CLAMP = 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n';

/** The fixture's report for one claimed job, its placeholders filled in. */
function forged(name: string, runId: string, taskId: string, index: number): JsonObject {
  const text = readFileSync(resolve(FIXTURES, name), 'utf8')
    .replaceAll('"{{INDEX}}"', String(index)).replaceAll('{{RUN}}', runId).replaceAll('{{TASK}}', taskId)
    .replaceAll('{{CODE}}', JSON.stringify(WRONG_CLAMP).slice(1, -1));
  return JSON.parse(text) as JsonObject;
}

/** Completes every job of `queue` with the fixture's report until stopped. */
function startForger(queue: InProcessQueue, fixture: string): { stop(): Promise<void> } {
  const stop = new AbortController();
  const working = (async () => {
    while (!stop.signal.aborted) {
      const claim = await queue.claimJob({ workerId: 'forger', waitMs: 200 }).catch(() => null);
      if (claim !== null) await queue.completeJob(claim, forged(fixture, claim.runId, claim.taskId, claim.sampleIndex));
    }
  })();
  return { async stop() { stop.abort(); await working; } };
}

describe('hostile: forged sample reports through the queue', () => {
  for (const [fixture, expected] of [
    ['q01-forged-verdict.json', /fails this process's own check \(layer unit-tests\)/],
    ['q02-class-without-vote.json', /the report: .*report\.verdict\.classKey/],
    ['q03-other-task.json', /the report: .*report\.records\.0/],
    ['q04-class-after-failed-layer.json', /the report: .*no class for a sample that was red-flagged or failed a layer/],
  ] as const) {
    it(`${fixture}: the run pauses, nothing is decided on the forgery`, async () => {
      const queue = new InProcessQueue({ lockMs: 5_000 });
      const store = new MemoryRunStore();
      const owner = createEngine({ model: new MockLanguageModel({}), modelName: 'mock:test', store, sandbox: new BwrapSandbox(), queue });
      // The forger: completes every job with the fixture's report (k=1: one vote would decide).
      const forger = startForger(queue, fixture);
      try {
        const error = await owner.run([clampSpec()], { runId: 'run-forged', k: 1, maxSamples: 3, parallelism: 1 }).then(
          () => { throw new Error('the run was decided on a forged report'); },
          (caught: unknown) => caught as Error & { cause?: Error },
        );
        expect(error).toMatchObject({ code: 'run_paused' });
        expect(error.cause).toMatchObject({ code: 'remote_verdict_rejected' });
        expect(error.message).toMatch(expected);
        const run = await store.getRun('run-forged');
        expect(run?.status).toBe('paused');
        expect(run?.decisions).toEqual([]);
        expect(run?.samples.every((sample) => sample.taskId === clampSpec().id)).toBe(true);
      } finally {
        await forger.stop();
        await owner.close();
      }
    }, 60_000);
  }

  for (const [fixture, expected] of [
    ['q05-proposal-prefix-injection.json', /the report: .*report/],
    ['q06-code-report-for-proposal.json', /the report: .*report/],
    ['q07-proposal-negative-cost.json', /the report: .*report\.draw\.costUsd/],
  ] as const) {
    it(`${fixture}: the decomposition stops, nothing is decided on the forgery`, async () => {
      const queue = new InProcessQueue({ lockMs: 5_000 });
      const store = new MemoryRunStore();
      const owner = createEngine({ model: new MockLanguageModel({}), modelName: 'mock:test', store, sandbox: new BwrapSandbox(), queue });
      const forger = startForger(queue, fixture);
      try {
        const error = await owner.decompose('A calculator for arithmetic expressions.', { runId: 'run-forged-plan', k: 1, maxSamples: 3 }).then(
          () => { throw new Error('the decomposition was decided on a forged report'); },
          (caught: unknown) => caught as Error,
        );
        expect(error).toMatchObject({ code: 'remote_verdict_rejected' });
        expect(error.message).toContain('was drawn by a queue worker');
        expect(error.message).toMatch(expected);
        const run = await store.getRun('run-forged-plan');
        expect(run?.decisions).toEqual([]);
        expect(run?.samples).toEqual([]);
        expect(run?.votes).toEqual([]);
      } finally {
        await forger.stop();
        await owner.close();
      }
    }, 60_000);
  }
});
