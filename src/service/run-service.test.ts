/**
 * Tests of the run service: a solve run on the scriptable mock model and the real bubblewrap sandbox, a cancelled
 * run, an escalation answer that resumes a paused build (scripted engine), and one real build on the hand-written
 * replay script (test/fixtures/build) that is paused by closing the service, left `running` as a killed server
 * would leave it, and resumed to completion by a new service on the same SQLite store.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLAMP_BODY, clampChat, clampSpec } from '../../test/fixtures/orchestrate/specs.js';
import { createEngine, type Engine } from '../engine.js';
import { createLanguageModel } from '../llm/model-uri.js';
import { MockLanguageModel, type MockLanguageModelOptions } from '../llm/providers/mock/mock-language-model.js';
import type { EngineEvent } from '../orchestrate/engine-events.js';
import { BwrapSandbox } from '../sandbox/index.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { SqliteRunStore } from '../store/sqlite/sqlite-run-store.js';
import { createRunService, type RunEventEntry } from './run-service.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build');
const MODEL_REPLAY = `replay:${join(FIXTURES, 'text-stats.replay.jsonl')}?seed=5`;

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'zerr-service-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

async function collect(iterable: AsyncIterable<RunEventEntry>): Promise<RunEventEntry[]> {
  const entries: RunEventEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

function mockEngine(responses: NonNullable<MockLanguageModelOptions['responses']>): { engine: Engine; store: MemoryRunStore } {
  const model = new MockLanguageModel({ responses, capabilities: { completionStyle: 'chat', honoursTemperature: true } });
  const store = new MemoryRunStore();
  return { engine: createEngine({ model, modelName: 'mock:test', store, sandbox: new BwrapSandbox() }), store };
}

describe('createRunService: solve runs (mock model)', () => {
  test('starts a run in the background, numbers its events, replays them after any id, and shows the run', async () => {
    const { engine, store } = mockEngine(() => clampChat(CLAMP_BODY.minMax));
    const service = createRunService({ engine, store, outRoot: join(work, 'out'), resumeInterrupted: false });
    try {
      const { runId } = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      // Recorded by the time startSolve resolves (202 semantics).
      expect((await store.getRun(runId))?.kind).toBe('solve');
      const live = await collect(service.events(runId));
      expect(live.map((entry) => entry.id)).toEqual(live.map((_, index) => index + 1));
      expect(live[0]?.event.type).toBe('run-start');
      expect(live.at(-1)?.event).toMatchObject({ type: 'run-end', status: 'completed' });
      await service.settled(runId);
      expect(service.status().live).toEqual([]);

      const replayed = await collect(service.events(runId, { afterId: 3 }));
      expect(replayed.map((entry) => entry.id)).toEqual(live.slice(3).map((entry) => entry.id));
      expect(await collect(service.events(runId, { afterId: live.length }))).toEqual([]);

      const view = await service.get(runId);
      expect(view).toMatchObject({ id: runId, kind: 'solve', status: 'completed', model: 'mock:test', live: false, dag: null, report: null });
      expect((await store.getRun(runId))?.config).not.toHaveProperty('adaptive');
      // vote "adaptive" reaches the run's configuration (its per-task error target from the target).
      const adaptive = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4, vote: 'adaptive', target: 0.99 });
      await service.settled(adaptive.runId);
      expect((await store.getRun(adaptive.runId))?.config).toMatchObject({ adaptive: { errorTarget: expect.closeTo(0.01, 12) } });
      expect(view?.tasks).toEqual([expect.objectContaining({
        taskId: 'orchestrate/clamp', samples: 2, decision: expect.objectContaining({ outcome: 'consensus', votes: 2, runnerUpVotes: 0 }),
      })]);
      expect(Object.values(view?.tasks[0]?.votesPerClass ?? {})).toEqual([2]);
      expect(view?.totals.samples).toBe(2);
      expect((await service.list()).map((run) => run.id)).toContain(runId);
      expect(await service.get('run-missing')).toBeUndefined();
      expect(await service.cancel(runId)).toBe(false);
    } finally {
      await service.close();
      await engine.close();
    }
  });

  test('rejects a bad spec before recording anything, and a closed service refuses new runs', async () => {
    const { engine, store } = mockEngine(() => 'unused');
    const service = createRunService({ engine, store, outRoot: join(work, 'out'), resumeInterrupted: false });
    try {
      await expect(service.startSolve({ spec: { id: 'x' } as never })).rejects.toMatchObject({ code: 'invalid_spec' });
      // A precondition no input satisfies is found by the judge before the run is accepted (a 400, not a failed run).
      await expect(service.startSolve({ spec: { ...clampSpec(), testCases: [], preconditions: ['low > high + 1000'] } })).rejects.toMatchObject({
        code: 'invalid_spec', issues: [{ path: 'preconditions.0' }],
      });
      await expect(service.startSolve({ spec: clampSpec(), k: 0 })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'input.k' });
      await expect(service.startSolve({ spec: clampSpec(), target: 0.99 })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'input.target' });
      await expect(service.startBuild({ request: { requirements: '  ' } })).rejects.toMatchObject({ code: 'invalid_argument' });
      expect(await store.listRuns()).toEqual([]);
      await service.close();
      await expect(service.startSolve({ spec: clampSpec() })).rejects.toMatchObject({ code: 'service_closed' });
    } finally {
      await engine.close();
    }
  });

  test('cancel stops a live run: it ends cancelled and its event stream ends', async () => {
    const { engine, store } = mockEngine(() => new Promise<string>(() => { /* never answers */ }));
    const service = createRunService({ engine, store, outRoot: join(work, 'out'), resumeInterrupted: false });
    try {
      const { runId } = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      expect(service.status().live).toEqual([runId]);
      const stream = collect(service.events(runId));
      expect(await service.cancel(runId)).toBe(true);
      await service.settled(runId);
      expect((await stream).at(-1)?.event).toMatchObject({ type: 'run-end', status: 'cancelled' });
      expect((await service.get(runId))?.status).toBe('cancelled');
    } finally {
      await service.close();
      await engine.close();
    }
  });
});

describe('createRunService: admission control (mock model that never answers)', () => {
  test('a run beyond the slots waits (queued, with its position); its event stream waits for it; it starts when a slot frees; close drops the queue', async () => {
    const { engine, store } = mockEngine(() => new Promise<string>(() => { /* never answers */ }));
    const service = createRunService({ engine, store, outRoot: join(work, 'out'), resumeInterrupted: false, maxRunningRuns: 1, maxQueuedRuns: 2, modelName: 'mock:test' });
    try {
      const first = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      expect(first.queuePosition).toBeNull();
      const second = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      const third = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      expect([second.queuePosition, third.queuePosition]).toEqual([1, 2]);
      await expect(service.startSolve({ spec: clampSpec() })).rejects.toMatchObject({ code: 'run_queue_full', retryAfterMs: 60_000 });
      expect(service.status()).toMatchObject({ live: [first.runId], queued: [second.runId, third.runId], maxRunningRuns: 1, maxQueuedRuns: 2 });
      expect(await service.get(third.runId)).toMatchObject({ status: 'queued', queuePosition: 2, model: 'mock:test', live: false });
      expect(await store.getRun(second.runId)).toBeUndefined();

      // A reader of the queued run's events waits for it instead of ending at once.
      const secondEvents = collect(service.events(second.runId));
      let ended = false;
      void secondEvents.then(() => { ended = true; });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ended).toBe(false);

      expect(await service.cancel(first.runId)).toBe(true);
      await service.settled(first.runId);
      await expect.poll(() => service.status().live, { timeout: 10_000 }).toEqual([second.runId]);
      expect(await service.get(third.runId)).toMatchObject({ status: 'queued', queuePosition: 1 });
      expect(await service.cancel(second.runId)).toBe(true);
      await service.settled(second.runId);
      const events = await secondEvents;
      expect(events[0]?.event.type).toBe('run-start');
      expect(events.at(-1)?.event).toMatchObject({ type: 'run-end', status: 'cancelled' });
      await expect.poll(() => service.status().live, { timeout: 10_000 }).toEqual([third.runId]);

      const fourth = await service.startSolve({ spec: clampSpec(), k: 2, maxSamples: 4 });
      expect(fourth.queuePosition).toBe(1);
      await service.close();
      expect(await service.get(fourth.runId)).toMatchObject({ status: 'cancelled', summary: { error: 'the server shut down before the run started' } });
      expect((await service.get(third.runId))?.status).toBe('cancelled');
    } finally {
      await service.close();
      await engine.close();
    }
  });
});

describe('createRunService: SOURCE_DATE_EPOCH (scripted engine)', () => {
  test('new builds get commitEpochMs (the epoch their commit dates count from) when the service has one', async () => {
    const seen: unknown[] = [];
    const listeners = new Set<(event: EngineEvent) => void>();
    const engine = {
      on: (listener: (event: EngineEvent) => void) => { listeners.add(listener); return () => listeners.delete(listener); },
      async build(_request: unknown, options: { runId: string; commitEpochMs?: number }) {
        seen.push(options.commitEpochMs);
        for (const listener of listeners) listener({ type: 'run-start', runId: options.runId, at: 1, taskIds: [], model: 'mock:test' });
        for (const listener of listeners) listener({ type: 'run-end', runId: options.runId, at: 2, status: 'completed' });
        return { runId: options.runId, status: 'completed', reason: 'done', outDir: '', report: {} };
      },
    } as unknown as Engine;
    for (const commitEpochMs of [1_790_000_000_000, undefined]) {
      const service = createRunService({ engine, store: new MemoryRunStore(), outRoot: join(work, 'epoch'), resumeInterrupted: false, ...(commitEpochMs === undefined ? {} : { commitEpochMs }) });
      const { runId } = await service.startBuild({ request: { requirements: 'a function' } });
      await service.settled(runId);
      await service.close();
    }
    expect(seen).toEqual([1_790_000_000_000, undefined]);
  });
});

describe('createRunService: escalations (scripted engine)', () => {
  test('an answer to a paused build is stored with who answered, and the build is resumed in the background', async () => {
    const store = new MemoryRunStore();
    await store.createRun({ id: 'run-b', kind: 'build', model: 'mock:test', config: {}, createdAt: 1 });
    await store.openEscalation('run-b', { escalationId: 'esc-1', taskId: 't', kind: 'code', reason: 'r', question: 'q', context: {}, createdAt: 2 });
    await store.finishRun('run-b', { status: 'paused', finishedAt: 3, summary: {} });
    const resumed: string[] = [];
    const listeners = new Set<(event: EngineEvent) => void>();
    const engine = {
      on: (listener: (event: EngineEvent) => void) => { listeners.add(listener); return () => listeners.delete(listener); },
      async resumeBuild(runId: string) {
        resumed.push(runId);
        for (const listener of listeners) listener({ type: 'run-start', runId, at: 4, taskIds: [], model: 'mock:test' });
        for (const listener of listeners) listener({ type: 'run-end', runId, at: 5, status: 'completed' });
        return { runId, status: 'completed', reason: 'done', outDir: '', report: {} };
      },
    } as unknown as Engine;
    const service = createRunService({ engine, store, outRoot: join(work, 'out') });
    expect(await service.resumedInterrupted).toEqual([]);
    const answered = await service.answerEscalation('run-b', 'esc-1', { answer: { code: 'x' }, answeredBy: 'alice' });
    expect(answered).toMatchObject({ status: 'answered', answeredBy: 'alice', answer: { code: 'x' } });
    await service.settled('run-b');
    expect(resumed).toEqual(['run-b']);
    expect((await collect(service.events('run-b'))).map((entry) => entry.event.type)).toEqual(['run-start', 'run-end']);
    await expect(service.answerEscalation('run-b', 'esc-1', { answer: { code: 'y' }, answeredBy: 'bob' })).rejects.toMatchObject({ code: 'escalation_already_answered' });
    await expect(service.answerEscalation('run-b', 'esc-9', { answer: { code: 'y' }, answeredBy: 'bob' })).rejects.toMatchObject({ code: 'escalation_not_found' });
    expect(await service.listEscalations({ runId: 'run-b', status: 'answered' })).toHaveLength(1);
    await service.close();
  });
});

describe('createRunService: a build (replay script, real sandbox, git and SQLite)', () => {
  test('closing pauses a live build; a new service resumes a build left running and completes it', async () => {
    const storePath = join(work, 'runs.sqlite');
    const outRoot = join(work, 'builds');
    const requirements = await readFile(join(FIXTURES, 'text-stats.requirements.md'), 'utf8');
    const open = async () => {
      const store = await SqliteRunStore.open({ path: storePath });
      const model = await createLanguageModel(MODEL_REPLAY);
      return { store, engine: createEngine({ model, modelName: MODEL_REPLAY, store, sandbox: new BwrapSandbox() }) };
    };

    const first = await open();
    const service = createRunService({ engine: first.engine, store: first.store, outRoot });
    let runId: string;
    const seen: RunEventEntry[] = [];
    let firstLast: number;
    try {
      ({ runId } = await service.startBuild({ request: { requirements, name: 'text-stats' } }));
      for await (const entry of service.events(runId)) {
        seen.push(entry);
        if (entry.event.type === 'task-settled') break;
      }
      expect(seen[0]?.event.type).toBe('run-start');
      expect(seen.some((entry) => entry.event.type === 'nodes-created')).toBe(true);
      await service.close();
      const paused = await service.get(runId);
      expect(paused).toMatchObject({ kind: 'build', status: 'paused', live: false });
      expect(paused?.report).toMatchObject({ runId, status: 'paused' });
      expect(paused?.report?.reason).toContain('shutting down');
      const states = new Set(paused?.dag?.nodes.map((node) => node.state));
      expect(states.has('settled')).toBe(true);
      expect(states.has('pending')).toBe(true);
      expect(paused?.dag?.nodes.map((node) => node.id).sort()).toEqual(['average-word-length', 'count-words', 'longest-word', 'split-words']);
      // Closing waited for the last events to reach the store: the log ends with this session's run-end.
      firstLast = await first.store.lastEventId(runId);
      expect(firstLast).toBeGreaterThan(seen.length);
      expect((await first.store.listEvents(runId, { afterId: firstLast - 1 }))[0]?.event).toMatchObject({ type: 'run-end' });
      // What a killed server leaves behind: the build still marked running.
      await first.store.reopenRun(runId);
    } finally {
      await service.close();
      await first.engine.close();
    }

    const second = await open();
    const restarted = createRunService({ engine: second.engine, store: second.store, outRoot });
    try {
      expect(await restarted.resumedInterrupted).toEqual([runId]);
      const events = await collect(restarted.events(runId));
      await restarted.settled(runId);
      expect(events[0]?.event.type).toBe('run-start');
      expect(events.at(-1)?.event).toMatchObject({ type: 'run-end', status: 'completed' });
      // One log across both processes: ids 1..n without gaps; the first session's entries as a client saw them live,
      // then the restarted session's, numbered on from them, so a Last-Event-ID from before the restart stays valid.
      expect(events.map((entry) => entry.id)).toEqual(events.map((_, index) => index + 1));
      expect(events.slice(0, seen.length)).toEqual(seen);
      expect(events[firstLast - 1]?.event.type).toBe('run-end');
      expect(events[firstLast]?.event.type).toBe('run-start');
      expect(await collect(restarted.events(runId, { afterId: firstLast }))).toEqual(events.slice(firstLast));
      const done = await restarted.get(runId);
      expect(done).toMatchObject({ status: 'completed', live: false });
      expect(done?.dag?.nodes.every((node) => node.state === 'settled')).toBe(true);
      expect(done?.report).toMatchObject({ status: 'completed', integration: { passed: true }, totals: { tasks: 4, settled: 4 } });
      expect(done?.report?.totals.timing.sessions).toBe(2);
      expect(done?.tasks.find((task) => task.taskId === 'split-words')?.redFlagsByRule['refusal-or-hedge']).toBe(1);
    } finally {
      await restarted.close();
      await second.engine.close();
    }
  }, 240_000);
});
