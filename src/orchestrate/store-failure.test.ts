/**
 * Runs whose store stops taking writes (issue 13 #2): the engine on the real sandbox, a scripted mock model, and
 * either the SQLite store filling up for real (SQLite's page cap: SQLITE_FULL) or, where every write must fail (a
 * full disk under a WAL store refuses even the status row, which a page cap does not), a store whose writes throw
 * the StoreUnavailableError the SQLite store raises for SQLITE_FULL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clampChat, clampSpec, CLAMP_BODY } from '../../test/fixtures/orchestrate/specs.js';
import { createEngine, type Engine } from '../engine.js';
import { MockLanguageModel, type MockResponseFunction } from '../llm/providers/mock/mock-language-model.js';
import { BwrapSandbox } from '../sandbox/index.js';
import { StoreUnavailableError } from '../store/errors/store-unavailable-error.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import type { RunStore } from '../store/run-store.js';
import { SqliteRunStore } from '../store/sqlite/sqlite-run-store.js';
import type { EngineEvent } from './engine-events.js';

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'zerr-store-failure-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Every third sample (by index, so a resumed run gets the same answers) is wrong: k = 3 takes a few rounds. */
const answers: MockResponseFunction = (options) =>
  clampChat(Number(options.metadata?.['sampleIndex']) % 3 === 2 ? CLAMP_BODY.wrong : CLAMP_BODY.minMax);

/** An engine on `store`; `use` runs with it and closes it (and the store) afterwards. */
async function withEngine<T>(
  store: RunStore,
  use: (context: { engine: Engine; model: MockLanguageModel; events: EngineEvent[] }) => Promise<T>,
  responses: MockResponseFunction = answers,
): Promise<T> {
  const model = new MockLanguageModel({ responses, capabilities: { completionStyle: 'chat', honoursTemperature: true } });
  const engine = createEngine({ model, modelName: 'mock:test', store, sandbox: new BwrapSandbox() });
  const events: EngineEvent[] = [];
  engine.on((event) => events.push(event));
  try {
    return await use({ engine, model, events });
  } finally {
    await engine.close();
  }
}

const WRITES = new Set([
  'createRun', 'recordTask', 'recordSample', 'recordCallFailure', 'recordRedFlag', 'recordLayerResult', 'recordVote',
  'recordDecision', 'finishRun', 'reopenRun', 'recordCheckpoint', 'openEscalation', 'answerEscalation', 'appendEvents',
  'claimRun', 'heartbeatRun', 'releaseRun',
]);

/**
 * `inner`, whose writes fail from the first call of `from` on (that one included) until `disk.full` is set false
 * (then they succeed for good), with the error the SQLite store raises for SQLITE_FULL. Its `close` leaves `inner` open (for the next engine).
 */
function diskFullFrom(inner: MemoryRunStore, from: string): { store: RunStore; disk: { full: boolean } } {
  const disk = { full: false };
  let triggered = false;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (name === 'close') return async () => undefined;
      return async (...args: unknown[]) => {
        if (name === from && !triggered) disk.full = triggered = true;
        if (disk.full && WRITES.has(name)) {
          throw new StoreUnavailableError({ path: '/disk/runs.sqlite', failure: 'disk-full', failureCode: 'SQLITE_FULL', operation: name });
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, disk };
}

describe('a solve run whose store stops taking writes', () => {
  test('the SQLite store fills up mid-run: the run pauses (store_unavailable), and resumes to the same verdict', async () => {
    const reference = await withEngine(new MemoryRunStore(), ({ engine }) => engine.run([clampSpec()], { runId: 'run-ref', k: 3, maxSamples: 12, parallelism: 1 }));
    const file = path.join(folder, 'fills-up.sqlite');
    const store = await SqliteRunStore.open({ path: file });
    // At the first model call the run and its task are recorded; from then on the file may not grow.
    const capped: MockResponseFunction = async (options, callIndex) => {
      if (callIndex === 0) await store.capPages(1);
      return answers(options, callIndex);
    };
    const error = await withEngine(store, async ({ engine, events }) => {
      const stopped = await engine.run([clampSpec()], { runId: 'run-full', k: 3, maxSamples: 12, parallelism: 1 }).then(() => undefined, (reason: unknown) => reason);
      expect(events.filter((event) => event.type === 'run-end')).toMatchObject([{ status: 'paused' }]);
      return stopped;
    }, capped);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'store_unavailable', failure: 'disk-full', failureCode: 'SQLITE_FULL', path: file, run: { runId: 'run-full', state: 'paused' } });
    expect((error as Error).message).toMatch(new RegExp(`^store ${file}: disk full \\(SQLITE_FULL\\); run run-full is paused( \\(its status could not be recorded\\))?: free space on its disk, then run: zerr resume run-full$`));

    const reopened = await SqliteRunStore.open({ path: file });
    const stored = await reopened.getRun('run-full');
    expect(stored?.decisions).toEqual([]); // a machinery failure decides nothing
    expect(stored?.samples.length).toBeLessThanOrEqual(reference.results[0]?.samples ?? 0);
    expect(await reopened.runOwner('run-full')).toBeUndefined(); // the claim was given back
    expect(stored?.status === 'paused').toBe((error as StoreUnavailableError).run?.state === 'paused' && ((error as StoreUnavailableError).run as { statusRecorded: boolean }).statusRecorded);

    const resumed = await withEngine(reopened, ({ engine }) => engine.resumeRun('run-full'));
    const pick = ({ outcome, code, classKey, votes, runnerUpVotes, samples }: NonNullable<typeof resumed.results[0]>) => ({ outcome, code, classKey, votes, runnerUpVotes, samples });
    expect(resumed.results.map(pick)).toEqual(reference.results.map(pick));
  }, 120_000);

  test('a store that refuses every write, the status row too: the run stays running, resumable; no unhandled rejection', async () => {
    const inner = new MemoryRunStore();
    // The first layer result fails while the next layers still run (its write is not awaited until they end).
    const { store, disk } = diskFullFrom(inner, 'recordLayerResult');
    const error = await withEngine(store, ({ engine }) =>
      engine.run([clampSpec()], { runId: 'run-all-fail', k: 3, maxSamples: 12, parallelism: 2 }).then(() => undefined, (reason: unknown) => reason));
    expect(error).toMatchObject({ code: 'store_unavailable', operation: 'recordLayerResult', run: { runId: 'run-all-fail', state: 'paused', statusRecorded: false } });
    expect((error as Error).message).toBe('store /disk/runs.sqlite: disk full (SQLITE_FULL); run run-all-fail is paused (its status could not be recorded): free space on its disk, then run: zerr resume run-all-fail');
    const stored = await inner.getRun('run-all-fail');
    expect(stored?.status).toBe('running');
    expect(stored?.decisions).toEqual([]);
    expect(await inner.runOwner('run-all-fail')).toBeDefined(); // its release could not be written either

    disk.full = false; // space freed: this process's dead claim is taken over and the run finishes
    const resumed = await withEngine(store, ({ engine }) => engine.resumeRun('run-all-fail'));
    expect(resumed.results.map((result) => result.outcome)).toEqual(['consensus']);
    expect((await inner.getRun('run-all-fail'))?.status).toBe('completed');
  }, 120_000);

  test('a run whose tasks could not all be recorded is not started, and is not resumable', async () => {
    const inner = new MemoryRunStore();
    const { store } = diskFullFrom(inner, 'recordTask');
    const error = await withEngine(store, ({ engine, model }) =>
      engine.run([clampSpec()], { runId: 'run-half', k: 2, maxSamples: 4 }).then(() => undefined, (reason: unknown) => {
        expect(model.calls).toHaveLength(0);
        return reason;
      }));
    expect(error).toMatchObject({ code: 'store_unavailable', run: { runId: 'run-half', state: 'not-started' } });
    expect((error as Error).message).toMatch(/run run-half could not be recorded, nothing was sampled: free space on its disk, then run the command again$/);
    const resumed = await withEngine(diskFullFrom(inner, 'none').store, ({ engine }) => engine.resumeRun('run-half').then(() => undefined, (reason: unknown) => reason));
    expect(resumed).toMatchObject({ code: 'run_not_resumable' });
  }, 120_000);

  test('a store that cannot even create the run: nothing recorded, the store error as it is', async () => {
    const { store } = diskFullFrom(new MemoryRunStore(), 'createRun');
    const error = await withEngine(store, ({ engine }) => engine.run([clampSpec()], { k: 2, maxSamples: 4 }).then(() => undefined, (reason: unknown) => reason));
    expect(error).toMatchObject({ code: 'store_unavailable', operation: 'createRun', run: undefined });
    expect((error as Error).message).toBe('store /disk/runs.sqlite: disk full (SQLITE_FULL) in createRun; free space on its disk and try again');
  }, 120_000);
});
