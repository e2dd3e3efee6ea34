/**
 * @module test/conformance/run-store-conformance
 * The conformance suite every {@link RunStore} implementation runs (Hono `runTest({ newRouter })`, BullMQ
 * adapter-conformance style): round trip of every record kind, ordering, listing, duplicates, unknown runs,
 * finishing, closing and (when the backend persists) surviving close/reopen. The build records (checkpoints,
 * escalations, pause / reopen) are in `run-store-build-conformance.ts`, registered from here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DuplicateRecordError,
  RunNotFoundError,
  StoreClosedError,
  type RunRecord,
  type RunStore,
} from '../../src/store/index.js';
import { runBuildRecordConformance } from './run-store-build-conformance.js';
import { runEventLogConformance } from './run-store-event-conformance.js';
import { callFailure, checkpoint, decision, escalation, layerResult, newRun, redFlag, sample, task, vote } from './run-store-fixtures.js';

/** How the suite gets stores. `reopen` closes `store` and opens the same data again (persistent backends only). */
export interface RunStoreFactory {
  readonly create: () => Promise<RunStore>;
  readonly reopen?: (store: RunStore) => Promise<RunStore>;
}

/** Registers the conformance tests of one implementation under `describe(name)`. */
export function runRunStoreConformance(name: string, factory: RunStoreFactory): void {
  describe(`RunStore conformance: ${name}`, () => {
    const open: RunStore[] = [];
    const create = async (): Promise<RunStore> => {
      const store = await factory.create();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    /** Records one of every kind, deliberately out of order. Returns the run as getRun must give it back. */
    async function recordEverything(store: RunStore): Promise<RunRecord> {
      const run = newRun();
      await store.createRun(run);
      await store.recordTask(run.id, task('t2'));
      await store.recordTask(run.id, task('t1', { spec: undefined }));
      await store.recordSample(run.id, sample('t2', 0));
      await store.recordSample(run.id, sample('t1', 1, { code: null, costUsd: null, finishReason: 'length' }));
      await store.recordSample(run.id, sample('t1', 0, { temperature: 0 }));
      await store.recordCallFailure(run.id, callFailure('t2', 1, { code: 'model_timeout', statusCode: null, attempts: 1 }));
      await store.recordCallFailure(run.id, callFailure('t1', 2));
      await store.recordCallFailure(run.id, callFailure('t2', 1));
      await store.recordRedFlag(run.id, redFlag('t1', 1, 'over-token-cap'));
      await store.recordRedFlag(run.id, redFlag('t1', 1, 'hedging'));
      await store.recordLayerResult(run.id, layerResult('t2', 0, 'types', { details: null, status: 'skipped' }));
      await store.recordLayerResult(run.id, layerResult('t1', 0, 'syntax', { status: 'pass', details: undefined }));
      await store.recordLayerResult(run.id, layerResult('t2', 0, 'syntax'));
      await store.recordVote(run.id, vote('t2', 0));
      await store.recordVote(run.id, vote('t1', 0, { classKey: 'sha256:cd34' }));
      await store.recordDecision(run.id, decision('t2'));
      await store.recordDecision(run.id, decision('t1', { outcome: 'no-consensus', classKey: null, code: null }));
      await store.recordCheckpoint(run.id, checkpoint('node-created'));
      await store.recordCheckpoint(run.id, checkpoint('budget-stop', { body: undefined, createdAt: 5 }));
      await store.openEscalation(run.id, escalation('esc-b', { createdAt: 20 }));
      await store.openEscalation(run.id, escalation('esc-a', { createdAt: 10, kind: 'decomposition', context: undefined }));
      await store.appendEvents(run.id, [{ id: 1, event: { type: 'run-start' } }, { id: 2, event: { type: 'run-end' } }]);
      await store.answerEscalation(run.id, 'esc-a', { answer: { children: ['x', 'y'] }, answeredBy: 'ada', answeredAt: 30 });
      return {
        ...run,
        status: 'running',
        finishedAt: null,
        summary: null,
        tasks: [task('t1', { spec: undefined }), task('t2')],
        samples: [sample('t1', 0, { temperature: 0 }), sample('t1', 1, { code: null, costUsd: null, finishReason: 'length' }), sample('t2', 0)],
        // By task, then in recording order; one sample index may fail more than once (it is drawn again).
        callFailures: [callFailure('t1', 2), callFailure('t2', 1, { code: 'model_timeout', statusCode: null, attempts: 1 }), callFailure('t2', 1)],
        redFlags: [redFlag('t1', 1, 'over-token-cap'), redFlag('t1', 1, 'hedging')],
        layerResults: [
          layerResult('t1', 0, 'syntax', { status: 'pass', details: undefined }),
          layerResult('t2', 0, 'types', { details: null, status: 'skipped' }),
          layerResult('t2', 0, 'syntax'),
        ],
        votes: [vote('t1', 0, { classKey: 'sha256:cd34' }), vote('t2', 0)],
        decisions: [decision('t1', { outcome: 'no-consensus', classKey: null, code: null }), decision('t2')],
        checkpoints: [
          { seq: 1, ...checkpoint('node-created') },
          { seq: 2, ...checkpoint('budget-stop', { body: undefined, createdAt: 5 }) },
        ],
        escalations: [
          {
            ...escalation('esc-a', { createdAt: 10, kind: 'decomposition', context: undefined }),
            status: 'answered', answer: { children: ['x', 'y'] }, answeredBy: 'ada', answeredAt: 30,
          },
          { ...escalation('esc-b', { createdAt: 20 }), status: 'open', answer: null, answeredBy: null, answeredAt: null },
        ],
      };
    }

    it('round-trips every record kind exactly, ordered by (task, sampleIndex)', async () => {
      const store = await create();
      const expected = await recordEverything(store);
      expect(await store.getRun('run-1')).toStrictEqual(expected);
    });

    it('orders tasks by id (code point order) and samples numerically, ties in recording order', async () => {
      const store = await create();
      await store.createRun(newRun());
      for (const id of ['b', 'a10', 'a2', 'A', 'é']) await store.recordTask('run-1', task(id));
      for (const index of [10, 2, 0, 1]) await store.recordSample('run-1', sample('a2', index));
      await store.recordSample('run-1', sample('a10', 5));
      for (const rule of ['zeta', 'alpha', 'mid']) await store.recordRedFlag('run-1', redFlag('a2', 2, rule));
      await store.recordRedFlag('run-1', redFlag('a2', 1, 'zeta'));
      const run = await store.getRun('run-1');
      expect(run?.tasks.map((t) => t.taskId)).toEqual(['A', 'a10', 'a2', 'b', 'é']);
      expect(run?.samples.map((s) => `${s.taskId}/${s.sampleIndex}`)).toEqual(['a10/5', 'a2/0', 'a2/1', 'a2/2', 'a2/10']);
      expect(run?.redFlags.map((f) => `${f.sampleIndex}:${f.rule}`)).toEqual(['1:zeta', '2:zeta', '2:alpha', '2:mid']);
    });

    it('lists runs most recent first, with limit (default 50) and task/sample counts', async () => {
      const store = await create();
      expect(await store.listRuns()).toEqual([]);
      await store.createRun(newRun({ id: 'old', createdAt: 1000 }));
      await store.createRun(newRun({ id: 'new', createdAt: 3000, kind: 'demo', model: 'mock:x' }));
      await store.createRun(newRun({ id: 'mid', createdAt: 2000 }));
      await store.createRun(newRun({ id: 'mid-later', createdAt: 2000 }));
      await store.recordTask('new', task('t1'));
      await store.recordTask('new', task('t2'));
      for (let i = 0; i < 3; i += 1) await store.recordSample('new', sample('t1', i));
      await store.recordSample('old', sample('t1', 0));
      const all = await store.listRuns();
      expect(all.map((r) => r.id)).toEqual(['new', 'mid-later', 'mid', 'old']);
      expect(all[0]).toStrictEqual({ id: 'new', kind: 'demo', model: 'mock:x', status: 'running', createdAt: 3000, finishedAt: null, tasks: 2, samples: 3 });
      expect(all[3]).toMatchObject({ id: 'old', tasks: 0, samples: 1 });
      expect((await store.listRuns({ limit: 2 })).map((r) => r.id)).toEqual(['new', 'mid-later']);
      for (let i = 0; i < 55; i += 1) await store.createRun(newRun({ id: `bulk-${i}`, createdAt: i }));
      expect(await store.listRuns()).toHaveLength(50);
      await expect(store.listRuns({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'options.limit' });
    });

    it('finds run ids by prefix, most recent first, with limit (default 10); _ and % are plain characters', async () => {
      const store = await create();
      expect(await store.findRunIds('run-')).toEqual([]);
      await store.createRun(newRun({ id: 'run-20260101-a1', createdAt: 1000 }));
      await store.createRun(newRun({ id: 'run-20260102-b2', createdAt: 3000 }));
      await store.createRun(newRun({ id: 'run-20260101-c3', createdAt: 2000 }));
      await store.createRun(newRun({ id: 'runX20260101', createdAt: 4000 }));
      await store.createRun(newRun({ id: 'Run-20260101-d4', createdAt: 5000 }));
      expect(await store.findRunIds('run-20260101')).toEqual(['run-20260101-c3', 'run-20260101-a1']);
      expect(await store.findRunIds('run-20260102-b2')).toEqual(['run-20260102-b2']);
      expect(await store.findRunIds('run_')).toEqual([]);
      expect(await store.findRunIds('run%')).toEqual([]);
      expect(await store.findRunIds('run-2026010')).toHaveLength(3);
      expect(await store.findRunIds('nope')).toEqual([]);
      expect(await store.findRunIds('', { limit: 2 })).toEqual(['Run-20260101-d4', 'runX20260101']);
      for (let i = 0; i < 12; i += 1) await store.createRun(newRun({ id: `bulk-${i}`, createdAt: 10_000 + i }));
      expect(await store.findRunIds('bulk-')).toHaveLength(10);
      expect((await store.findRunIds('bulk-'))[0]).toBe('bulk-11');
      await expect(store.findRunIds('run-', { limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'options.limit' });
      await expect(store.findRunIds(7 as unknown as string)).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'prefix' });
    });

    it('rejects duplicates with duplicate_record and keeps the original', async () => {
      const store = await create();
      const expected = await recordEverything(store);
      const attempts: Array<[string, () => Promise<void>]> = [
        ['run', () => store.createRun(newRun({ kind: 'other' }))],
        ['task', () => store.recordTask('run-1', task('t1', { spec: { changed: true } }))],
        ['sample', () => store.recordSample('run-1', sample('t1', 0, { text: 'overwritten?' }))],
        ['red-flag', () => store.recordRedFlag('run-1', redFlag('t1', 1, 'hedging', { reason: 'again' }))],
        ['layer-result', () => store.recordLayerResult('run-1', layerResult('t2', 0, 'syntax', { status: 'pass' }))],
        ['vote', () => store.recordVote('run-1', vote('t2', 0, { classKey: 'other' }))],
        ['decision', () => store.recordDecision('run-1', decision('t2', { outcome: 'escalated' }))],
        ['escalation', () => store.openEscalation('run-1', escalation('esc-b', { question: 'overwritten?' }))],
      ];
      for (const [record, attempt] of attempts) {
        const error = await attempt().then(() => undefined, (e: unknown) => e);
        expect(error, record).toBeInstanceOf(DuplicateRecordError);
        expect(error, record).toMatchObject({ code: 'duplicate_record', record, runId: 'run-1' });
      }
      expect(await store.getRun('run-1')).toStrictEqual(expected);
      // The same keys are free in another task or another run.
      await store.recordSample('run-1', sample('t3', 0));
      await store.createRun(newRun({ id: 'run-2' }));
      await store.recordSample('run-2', sample('t1', 0));
      await store.openEscalation('run-2', escalation('esc-b'));
      expect((await store.getRun('run-2'))?.samples).toHaveLength(1);
      expect((await store.getRun('run-2'))?.escalations).toHaveLength(1);
    });

    it('rejects writes to an unknown run with run_not_found and stores nothing', async () => {
      const store = await create();
      const writes: Array<() => Promise<unknown>> = [
        () => store.recordTask('nope', task('t1')),
        () => store.recordSample('nope', sample('t1', 0)),
        () => store.recordCallFailure('nope', callFailure('t1', 0)),
        () => store.recordRedFlag('nope', redFlag('t1', 0)),
        () => store.recordLayerResult('nope', layerResult('t1', 0)),
        () => store.recordVote('nope', vote('t1', 0)),
        () => store.recordDecision('nope', decision('t1')),
        () => store.finishRun('nope', { status: 'completed', finishedAt: 1, summary: {} }),
        () => store.reopenRun('nope'),
        () => store.recordCheckpoint('nope', checkpoint()),
        () => store.openEscalation('nope', escalation('esc-1')),
        () => store.answerEscalation('nope', 'esc-1', { answer: 1, answeredBy: 'cli', answeredAt: 1 }),
      ];
      for (const write of writes) {
        const error = await write().then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(RunNotFoundError);
        expect(error).toMatchObject({ code: 'run_not_found', runId: 'nope' });
      }
      expect(await store.listRuns()).toEqual([]);
      expect(await store.listEscalations()).toEqual([]);
      expect(await store.getRun('nope')).toBeUndefined();
    });

    it('accepts concurrent writes; of two racing identical samples exactly one wins', async () => {
      const store = await create();
      await store.createRun(newRun());
      const writes = [...Array.from({ length: 20 }, (_, i) => sample('t1', i)), sample('t1', 7, { text: 'racer' })];
      const results = await Promise.allSettled(writes.map((s) => store.recordSample('run-1', s)));
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateRecordError);
      const run = await store.getRun('run-1');
      expect(run?.samples.map((s) => s.sampleIndex)).toEqual([...Array(20).keys()]);
      expect(run?.samples[7]?.text).not.toBe('racer');
    });

    it('finishRun sets status, finishedAt and summary', async () => {
      const store = await create();
      await store.createRun(newRun());
      await store.recordSample('run-1', sample('t1', 0));
      const summary = { samples: 1, costUsd: 0.000125, error: null, perTask: { t1: 'consensus' } };
      await store.finishRun('run-1', { status: 'completed', finishedAt: 1_760_000_010_000, summary });
      const run = await store.getRun('run-1');
      expect(run).toMatchObject({ status: 'completed', finishedAt: 1_760_000_010_000, summary });
      expect(run?.samples).toHaveLength(1);
      expect((await store.listRuns())[0]).toMatchObject({ status: 'completed', finishedAt: 1_760_000_010_000 });
    });

    it('returns undefined for an unknown run id', async () => {
      const store = await create();
      await store.createRun(newRun());
      expect(await store.getRun('run-2')).toBeUndefined();
    });

    it('keeps stored records apart from the caller objects', async () => {
      const store = await create();
      const run = { ...newRun(), config: { k: 3, list: [1, 2] } };
      await store.createRun(run);
      run.config.list.push(3);
      const first = await store.getRun('run-1');
      (first?.config['list'] as number[]).push(4);
      expect((await store.getRun('run-1'))?.config).toEqual({ k: 3, list: [1, 2] });
    });

    it('rejects invalid input with invalid_argument naming the field', async () => {
      const store = await create();
      await store.createRun(newRun());
      await expect(store.recordSample('run-1', sample('t1', -1))).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'sample.sampleIndex' });
      await expect(store.recordSample('run-1', sample('t1', 0, { latencyMs: Number.NaN }))).rejects.toMatchObject({ parameter: 'sample.latencyMs' });
      await expect(store.recordLayerResult('run-1', layerResult('t1', 0, 'syntax', { details: { n: 1n } }))).rejects.toMatchObject({ parameter: 'result.details' });
      await expect(store.recordCallFailure('run-1', callFailure('t1', 0, { attempts: 0 }))).rejects.toMatchObject({ parameter: 'failure.attempts' });
      await expect(store.recordCallFailure('run-1', callFailure('t1', 0, { statusCode: 42 }))).rejects.toMatchObject({ parameter: 'failure.statusCode' });
      expect((await store.getRun('run-1'))?.samples).toEqual([]);
      expect((await store.getRun('run-1'))?.callFailures).toEqual([]);
      expect((await store.getRun('run-1'))?.layerResults).toEqual([]);
      // The failed layer result did not reserve its key.
      await store.recordLayerResult('run-1', layerResult('t1', 0, 'syntax'));
    });

    it('rejects every call after close with store_closed; close is idempotent', async () => {
      const store = await create();
      await store.createRun(newRun());
      await store.close();
      await store.close();
      const calls: Array<() => Promise<unknown>> = [
        () => store.createRun(newRun({ id: 'run-2' })),
        () => store.recordTask('run-1', task('t1')),
        () => store.recordSample('run-1', sample('t1', 0)),
        () => store.recordRedFlag('run-1', redFlag('t1', 0)),
        () => store.recordLayerResult('run-1', layerResult('t1', 0)),
        () => store.recordVote('run-1', vote('t1', 0)),
        () => store.recordDecision('run-1', decision('t1')),
        () => store.finishRun('run-1', { status: 'failed', finishedAt: 2, summary: {} }),
        () => store.reopenRun('run-1'),
        () => store.recordCheckpoint('run-1', checkpoint()),
        () => store.openEscalation('run-1', escalation('esc-1')),
        () => store.answerEscalation('run-1', 'esc-1', { answer: 1, answeredBy: 'cli', answeredAt: 1 }),
        () => store.listEscalations(),
        () => store.appendEvents('run-1', [{ id: 1, event: {} }]),
        () => store.listEvents('run-1'),
        () => store.lastEventId('run-1'),
        () => store.getRun('run-1'),
        () => store.listRuns(),
        () => store.findRunIds('run-'),
      ];
      for (const call of calls) {
        const error = await call().then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(StoreClosedError);
        expect(error).toMatchObject({ code: 'store_closed' });
      }
    });

    runBuildRecordConformance(create);
    runEventLogConformance(create);

    if (factory.reopen !== undefined) {
      const reopen = factory.reopen;
      it('keeps everything across close and reopen', async () => {
        const store = await create();
        const expected = await recordEverything(store);
        await store.finishRun('run-1', { status: 'failed', finishedAt: 5, summary: { error: 'boom' } });
        const again = await reopen(store);
        open.push(again);
        expect(await again.getRun('run-1')).toStrictEqual({ ...expected, status: 'failed', finishedAt: 5, summary: { error: 'boom' } });
        await expect(again.recordSample('run-1', sample('t1', 0))).rejects.toBeInstanceOf(DuplicateRecordError);
        await again.recordSample('run-1', sample('t1', 2));
        // Checkpoint numbering and answered escalations carry over.
        expect(await again.recordCheckpoint('run-1', checkpoint())).toBe(3);
        await expect(again.answerEscalation('run-1', 'esc-a', { answer: 1, answeredBy: 'bob', answeredAt: 40 }))
          .rejects.toMatchObject({ code: 'escalation_already_answered', answeredBy: 'ada' });
        expect((await again.listEscalations({ status: 'open' })).map((e) => e.escalationId)).toEqual(['esc-b']);
        expect((await again.listRuns())[0]).toMatchObject({ id: 'run-1', samples: 4, tasks: 2 });
        // The event log carries over too, and goes on numbering where it stopped.
        expect(await again.listEvents('run-1')).toStrictEqual([{ id: 1, event: { type: 'run-start' } }, { id: 2, event: { type: 'run-end' } }]);
        await again.appendEvents('run-1', [{ id: 3, event: { type: 'run-start' } }]);
        expect(await again.lastEventId('run-1')).toBe(3);
      });
    }
  });
}
