import { describe, expect, test } from 'vitest';
import {
  clampChat,
  clampSource,
  clampSpec,
  CLAMP_BODY,
  sumPositiveChat,
  sumPositiveSpec,
  SUM_POSITIVE_BODY,
} from '../test/fixtures/orchestrate/specs.js';
import { createEngine, summarize, type Engine } from './engine.js';
import { ModelUnavailableError } from './llm/model-errors.js';
import { MockLanguageModel, type MockLanguageModelOptions } from './llm/providers/mock/mock-language-model.js';
import type { EngineEvent } from './orchestrate/engine-events.js';
import { BwrapSandbox } from './sandbox/index.js';
import { MemoryRunStore } from './store/memory/memory-run-store.js';

/** An engine on the real bubblewrap sandbox and a memory store; `use` runs with it and closes it afterwards. */
async function withEngine<T>(
  responses: NonNullable<MockLanguageModelOptions['responses']>,
  use: (context: { engine: Engine; store: MemoryRunStore; model: MockLanguageModel; events: EngineEvent[] }) => Promise<T>,
): Promise<T> {
  const model = new MockLanguageModel({ responses, capabilities: { completionStyle: 'chat', honoursTemperature: true } });
  const store = new MemoryRunStore();
  const sandbox = new BwrapSandbox();
  const engine = createEngine({ model, modelName: 'mock:test', store, sandbox });
  const events: EngineEvent[] = [];
  engine.on((event) => events.push(event));
  try {
    return await use({ engine, store, model, events });
  } finally {
    await engine.close();
  }
}

/** Answers by task id: clamp gets the correct body, sum_positive the correct loop. */
const goodAnswers: NonNullable<MockLanguageModelOptions['responses']> = (options) =>
  options.metadata?.['taskId'] === 'orchestrate/clamp' ? clampChat(CLAMP_BODY.minMax) : sumPositiveChat(SUM_POSITIVE_BODY.loop);

describe('createEngine().run', () => {
  test('records and streams a failing test whose outcome is an integer beyond 2^53 (a bigint), and goes on', async () => {
    // Found by the selection benchmark: a Python sample returned 2**64 - 1; its unit-test details held a bigint,
    // which JSON cannot hold, and recording the layer result threw out of the whole run.
    const huge = '    return 2 ** 64 - 1\n';
    await withEngine((_options, callIndex) => sumPositiveChat(callIndex === 0 ? huge : SUM_POSITIVE_BODY.loop), async ({ engine, store, events }) => {
      const { runId, results } = await engine.run([sumPositiveSpec()], { k: 2, maxSamples: 4, parallelism: 1 });
      expect(results[0]).toMatchObject({ outcome: 'consensus', votes: 2 });
      const failed = (await store.getRun(runId))?.layerResults.find((layer) => layer.sampleIndex === 0 && layer.layer === 'unit-tests');
      expect(failed?.status).toBe('fail');
      expect(JSON.stringify(failed?.details)).toContain('{"$zerr":"bigint","v":"18446744073709551615"}');
      expect(() => JSON.stringify(events)).not.toThrow();
    });
  });

  test('solves a TypeScript and a Python task in one recorded run', async () => {
    await withEngine(goodAnswers, async ({ engine, store, model, events }) => {
      const specs = [clampSpec(), sumPositiveSpec()];
      const { runId, results } = await engine.run(specs, { runId: 'run-engine-ok', k: 2, maxSamples: 4, seed: 7 });
      expect(runId).toBe('run-engine-ok');
      expect(results.map((result) => [result.taskId, result.outcome, result.votes])).toEqual([
        ['orchestrate/clamp', 'consensus', 2],
        ['orchestrate/sum-positive', 'consensus', 2],
      ]);
      expect(results[0]?.code).toBe(clampSource(CLAMP_BODY.minMax));
      expect(results[1]?.code).toContain('from typing import *\ndef sum_positive');

      // Each call names its task; the seed option reaches the model (seed + sample index).
      expect(model.calls.map((call) => call.metadata?.['taskId'])).toEqual([
        'orchestrate/clamp', 'orchestrate/clamp', 'orchestrate/sum-positive', 'orchestrate/sum-positive',
      ]);
      expect(model.calls.map((call) => call.seed)).toEqual([7, 8, 7, 8]);

      const record = await store.getRun(runId);
      expect(record).toMatchObject({ id: runId, kind: 'solve', model: 'mock:test', status: 'completed' });
      expect(record?.config).toMatchObject({ k: 2, maxSamples: 4, fallback: 'best-partial', seed: 7, sandbox: 'bwrap' });
      expect(record?.tasks.map((task) => task.taskId)).toEqual(['orchestrate/clamp', 'orchestrate/sum-positive']);
      expect(record?.samples).toHaveLength(4);
      expect(record?.votes).toHaveLength(4);
      expect(record?.decisions.map((decision) => decision.outcome)).toEqual(['consensus', 'consensus']);
      expect(record?.summary).toEqual(summarize(results));
      expect(record?.summary).toMatchObject({ tasks: 2, outcomes: { consensus: 2 }, samples: 4 });
      expect(record?.finishedAt).toEqual(expect.any(Number));

      const types = events.map((event) => event.type);
      expect(types[0]).toBe('run-start');
      expect(types.at(-1)).toBe('run-end');
      expect(events.at(-1)).toMatchObject({ type: 'run-end', runId, status: 'completed' });
      expect(events[0]).toMatchObject({ type: 'run-start', taskIds: ['orchestrate/clamp', 'orchestrate/sum-positive'], model: 'mock:test' });
      // The tasks run one after the other: the first ends before the second starts.
      const taskEvents = events.filter((event) => event.type === 'task-start' || event.type === 'task-end');
      expect(taskEvents.map((event) => `${event.type}:${'taskId' in event ? event.taskId : ''}`)).toEqual([
        'task-start:orchestrate/clamp', 'task-end:orchestrate/clamp',
        'task-start:orchestrate/sum-positive', 'task-end:orchestrate/sum-positive',
      ]);
      expect(events.every((event) => event.runId === runId)).toBe(true);
    });
  });

  test('a throwing listener does not break the run', async () => {
    await withEngine(goodAnswers, async ({ engine, events }) => {
      engine.on(() => {
        throw new Error('listener broke');
      });
      const { results } = await engine.run([clampSpec()], { k: 1, maxSamples: 2 });
      expect(results[0]?.outcome).toBe('consensus');
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    });
  });

  test('a new run id is made when none is given', async () => {
    await withEngine(goodAnswers, async ({ engine, store }) => {
      const { runId } = await engine.run([clampSpec()], { k: 1, maxSamples: 1 });
      expect(runId).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{6}$/);
      expect((await store.getRun(runId))?.status).toBe('completed');
    });
  });

  test('model unavailable: the decision is recorded, the run finishes as failed with the message, the error is rethrown', async () => {
    const unavailable = new ModelUnavailableError({ provider: 'mock', message: 'cannot load ./missing.gguf' });
    await withEngine(unavailable, async ({ engine, store, events }) => {
      await expect(engine.run([clampSpec(), sumPositiveSpec()], { runId: 'run-engine-down', k: 2, maxSamples: 4 })).rejects.toBe(unavailable);
      const record = await store.getRun('run-engine-down');
      expect(record?.status).toBe('failed');
      expect(record?.summary).toMatchObject({ error: unavailable.message, tasks: 0 });
      expect(record?.decisions).toEqual([expect.objectContaining({ taskId: 'orchestrate/clamp', outcome: 'model-unavailable' })]);
      // The second task was never started.
      expect(record?.tasks.map((task) => task.taskId)).toEqual(['orchestrate/clamp']);
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', error: unavailable.message });
    });
  });

  test('an already aborted signal cancels the run before any model call', async () => {
    await withEngine(goodAnswers, async ({ engine, store, model, events }) => {
      const controller = new AbortController();
      controller.abort(new Error('user pressed ctrl-c'));
      await expect(engine.run([clampSpec()], { runId: 'run-engine-pre-abort', signal: controller.signal })).rejects.toThrow();
      expect(model.calls).toHaveLength(0);
      expect((await store.getRun('run-engine-pre-abort'))?.status).toBe('cancelled');
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'cancelled' });
    });
  });

  test('an abort during sampling stops the run and records it as cancelled', async () => {
    const controller = new AbortController();
    const responses: NonNullable<MockLanguageModelOptions['responses']> = (_options, callIndex) => {
      if (callIndex === 2) controller.abort(new Error('user pressed ctrl-c'));
      return clampChat(callIndex === 0 ? CLAMP_BODY.minMax : CLAMP_BODY.overfit);
    };
    await withEngine(responses, async ({ engine, store, model }) => {
      await expect(
        engine.run([clampSpec(), sumPositiveSpec()], { runId: 'run-engine-abort', k: 2, maxSamples: 10, signal: controller.signal }),
      ).rejects.toThrow();
      expect(model.calls.length).toBeLessThanOrEqual(4);
      expect(model.calls.every((call) => call.metadata?.['taskId'] === 'orchestrate/clamp')).toBe(true);
      const record = await store.getRun('run-engine-abort');
      expect(record?.status).toBe('cancelled');
      expect(record?.decisions.map((decision) => decision.outcome)).toEqual(['cancelled']);
    });
  });
});

describe('createEngine().close', () => {
  test('closes the model, the sandbox and the store', async () => {
    const model = new MockLanguageModel({ responses: 'x' });
    const store = new MemoryRunStore();
    const sandbox = new BwrapSandbox();
    let sandboxClosed = 0;
    const close = sandbox.close.bind(sandbox);
    sandbox.close = async () => {
      sandboxClosed += 1;
      await close();
    };
    const engine = createEngine({ model, modelName: 'mock', store, sandbox });
    await engine.close();
    expect(model.closeCount).toBe(1);
    expect(sandboxClosed).toBe(1);
    await expect(store.listRuns()).rejects.toMatchObject({ code: 'store_closed' });
  });
});
