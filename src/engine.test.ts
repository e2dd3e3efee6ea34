import { hostname } from 'node:os';
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
import { SqliteMemoryStore, specKey } from './memory/index.js';

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

  test('adaptive k: a contested vote draws past the margin plain k stops at, records why, and keeps the rule on the run', async () => {
    // Sample 1 is the overfit class, every other the correct one: 3-1 after four samples.
    const answers: NonNullable<MockLanguageModelOptions['responses']> = (_options, callIndex) => clampChat(callIndex === 1 ? CLAMP_BODY.overfit : CLAMP_BODY.minMax);
    const plain = await withEngine(answers, ({ engine }) => engine.run([clampSpec()], { k: 2, maxSamples: 30, parallelism: 1 }));
    expect(plain.results[0]).toMatchObject({ outcome: 'consensus', votes: 3, samples: 4 });
    await withEngine(answers, async ({ engine, store }) => {
      const { runId, results } = await engine.run([clampSpec()], { k: 2, maxSamples: 30, parallelism: 1, adaptiveK: { target: 0.99 } });
      const result = results[0];
      expect(result?.outcome).toBe('consensus');
      expect(result?.code).toBe(clampSource(CLAMP_BODY.minMax));
      // With error target 0.01 and one dissenting vote, the Wilson bound needs a lead of 6 or more, not 2.
      expect(result?.samples).toBeGreaterThan(6);
      expect(result?.reason).toMatch(/adaptive margin of its \d+-1 split \(k=2\)/);
      const run = await store.getRun(runId);
      expect(run?.config).toMatchObject({ k: 2, adaptive: { errorTarget: expect.closeTo(0.01, 12), confidence: 1.5 } });
    });
  });

  test('adaptive k: a target outside (0, 1) is refused before anything is recorded', async () => {
    await withEngine(goodAnswers, async ({ engine, store }) => {
      await expect(engine.run([clampSpec()], { adaptiveK: { target: 1.5 } })).rejects.toThrow(/runOptions\.adaptiveK\.target/);
      expect(await store.listRuns()).toEqual([]);
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

  test('model unavailable: the failed calls are recorded, no decision (resume continues the task), the run finishes as failed, the error is rethrown', async () => {
    const unavailable = new ModelUnavailableError({ provider: 'mock', message: 'cannot load ./missing.gguf' });
    await withEngine(unavailable, async ({ engine, store, events }) => {
      await expect(engine.run([clampSpec(), sumPositiveSpec()], { runId: 'run-engine-down', k: 2, maxSamples: 4 })).rejects.toBe(unavailable);
      const record = await store.getRun('run-engine-down');
      expect(record?.status).toBe('failed');
      expect(record?.summary).toMatchObject({ error: unavailable.message, tasks: 0 });
      expect(record?.decisions).toEqual([]);
      expect(record?.callFailures.map((failure) => [failure.taskId, failure.code])).toEqual([
        ['orchestrate/clamp', 'model_unavailable'], ['orchestrate/clamp', 'model_unavailable'],
      ]);
      // The run's tasks are recorded up front (what resume continues); the second was never started.
      expect(record?.tasks.map((task) => task.taskId)).toEqual(['orchestrate/clamp', 'orchestrate/sum-positive']);
      expect(record?.samples.filter((sample) => sample.taskId === 'orchestrate/sum-positive')).toEqual([]);
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', error: unavailable.message });
    });
  });

  test('an already aborted signal with stopAs cancelled cancels the run before any model call', async () => {
    await withEngine(goodAnswers, async ({ engine, store, model, events }) => {
      const controller = new AbortController();
      controller.abort(new Error('cancelled over the API'));
      await expect(engine.run([clampSpec()], { runId: 'run-engine-pre-abort', signal: controller.signal, stopAs: 'cancelled' })).rejects.toThrow('cancelled over the API');
      expect(model.calls).toHaveLength(0);
      expect((await store.getRun('run-engine-pre-abort'))?.status).toBe('cancelled');
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'cancelled' });
    });
  });

  test('Ctrl-C pauses a solve run; resumeRun continues it from the recorded samples, drawing none twice', async () => {
    const controller = new AbortController();
    // clamp: two good answers (consensus at k = 2). sum_positive: a good and a wrong answer (no consensus yet), then
    // Ctrl-C during its second round; after the resume, good answers.
    const responses: NonNullable<MockLanguageModelOptions['responses']> = (options, callIndex) => {
      if (callIndex === 4) controller.abort(new Error('interrupted (SIGINT)'));
      if (callIndex === 3) return sumPositiveChat(SUM_POSITIVE_BODY.wrong);
      return goodAnswers(options, callIndex);
    };
    await withEngine(responses, async ({ engine, store, model, events }) => {
      const paused = await engine.run([clampSpec(), sumPositiveSpec()], { runId: 'run-engine-pause', k: 2, maxSamples: 10, parallelism: 2, signal: controller.signal })
        .then(() => undefined, (error: unknown) => error);
      expect(paused).toMatchObject({ code: 'run_paused', runId: 'run-engine-pause' });
      expect((paused as Error).message).toMatch(/zerr resume run-engine-pause/);
      const stopped = await store.getRun('run-engine-pause');
      expect(stopped?.status).toBe('paused');
      expect(stopped?.decisions.map((d) => [d.taskId, d.outcome])).toEqual([['orchestrate/clamp', 'consensus']]); // sum_positive stays undecided
      const sumBefore = stopped?.samples.filter((sample) => sample.taskId === 'orchestrate/sum-positive').length ?? 0;
      expect(sumBefore).toBeGreaterThanOrEqual(2);
      expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'paused' });
      expect(await store.runOwner('run-engine-pause')).toBeUndefined(); // the lease was given back
      const callsBefore = model.calls.length;

      const resumed = await engine.resumeRun('run-engine-pause');
      expect(resumed.results.map((r) => [r.taskId, r.outcome])).toEqual([['orchestrate/clamp', 'consensus'], ['orchestrate/sum-positive', 'consensus']]);
      expect(resumed.results[0]?.votes).toBe(2); // clamp's result rebuilt from its records, not solved again
      const record = await store.getRun('run-engine-pause');
      expect(record?.status).toBe('completed');
      expect(record?.decisions.map((d) => d.outcome)).toEqual(['consensus', 'consensus']);
      // The resumed session asked only for samples that were not recorded yet: every recorded sample drawn once.
      expect(model.calls.slice(callsBefore).every((call) => call.metadata?.['taskId'] === 'orchestrate/sum-positive')).toBe(true);
      expect(model.calls.length - callsBefore).toBe((record?.samples.length ?? 0) - (stopped?.samples.length ?? 0));
      await expect(engine.resumeRun('run-engine-pause')).rejects.toMatchObject({ code: 'run_not_resumable' });
    });
  });

  test('a run held by another live process is refused with run_busy, naming the holder', async () => {
    await withEngine(goodAnswers, async ({ engine, store }) => {
      const controller = new AbortController();
      controller.abort(new Error('interrupted (SIGINT)'));
      await expect(engine.run([clampSpec()], { runId: 'run-engine-busy', signal: controller.signal })).rejects.toMatchObject({ code: 'run_paused' });
      // Another process (our parent: alive, on this host) holds the run with a fresh heartbeat.
      await store.claimRun('run-engine-busy', { owner: 'other', pid: process.ppid, host: hostname(), at: Date.now() }, () => false);
      const refused = await engine.resumeRun('run-engine-busy').then(() => undefined, (error: unknown) => error);
      expect(refused).toMatchObject({ code: 'run_busy' });
      expect((refused as Error).message).toContain(`process ${process.ppid} on ${hostname()}`);
      expect((await store.getRun('run-engine-busy'))?.status).toBe('paused'); // nothing changed
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

describe('createEngine: archetype models', () => {
  const contract = JSON.stringify({
    signature: { entryPoint: 'double', inputs: [{ name: 'x', type: 'number' }], output: { type: 'number' } },
    preconditions: [], postconditions: [], testCases: [{ inputs: [2], expected: 4 }], properties: [],
  });

  test('specify asks the specifier\'s model, records a specify run under its name, and close() closes every model once', async () => {
    const coder = new MockLanguageModel({ responses: () => { throw new Error('the coder must not be asked to specify'); } });
    const specifierModel = new MockLanguageModel({ responses: contract });
    const store = new MemoryRunStore();
    const engine = createEngine({
      model: coder, modelName: 'mock:coder', store, sandbox: new BwrapSandbox(),
      archetypeModels: { specifier: { model: specifierModel, name: 'mock:specifier' }, reviewer: { model: specifierModel, name: 'mock:specifier' } },
    });
    try {
      const result = await engine.specify('double a number', { k: 2, runId: 'run-specify-engine' });
      expect(result).toMatchObject({ runId: 'run-specify-engine', model: 'mock:specifier', outcome: 'consensus', votes: 2 });
      expect(result.spec).toMatchObject({ id: 'double', description: 'double a number', testCases: [{ inputs: [2], expected: 4 }] });
      expect(specifierModel.calls).toHaveLength(2);
      const run = await store.getRun('run-specify-engine');
      expect(run).toMatchObject({ kind: 'specify', model: 'mock:specifier', status: 'completed' });
      expect(run?.config).toMatchObject({ language: 'typescript', k: 2, maxSamples: 12 });
      await expect(engine.resumeRun('run-specify-engine')).rejects.toMatchObject({ code: 'run_not_resumable' });
    } finally {
      await engine.close();
    }
    expect(coder.closeCount).toBe(1);
    expect(specifierModel.closeCount).toBe(1); // one model serving two archetypes is closed once
  });

  test('decompose asks the decomposer\'s model; without archetype models every archetype asks the coder\'s', async () => {
    const proposal = JSON.stringify({ subtasks: [{ id: 'double', name: 'Double', description: 'Doubles x.', signature: { entryPoint: 'double', inputs: [{ name: 'x', type: 'number' }], output: { type: 'number' } }, dependencies: [], testCases: [{ inputs: [2], expected: 4 }], estimatedLines: 1, estimatedComplexity: 1 }] });
    const coder = new MockLanguageModel({ responses: proposal });
    const decomposerModel = new MockLanguageModel({ responses: proposal });
    const routed = createEngine({ model: coder, modelName: 'mock:coder', store: new MemoryRunStore(), sandbox: new BwrapSandbox(), archetypeModels: { decomposer: { model: decomposerModel, name: 'mock:decomposer' } } });
    try {
      expect((await routed.decompose('double a number', { k: 1 })).outcome).toBe('consensus');
      expect(decomposerModel.calls).toHaveLength(1);
      expect(coder.calls).toHaveLength(0);
    } finally {
      await routed.close();
    }
    const plain = new MockLanguageModel({ responses: contract });
    const single = createEngine({ model: plain, modelName: 'mock:one', store: new MemoryRunStore(), sandbox: new BwrapSandbox() });
    try {
      expect((await single.specify('double a number', { k: 1 })).model).toBe('mock:one');
      expect(plain.calls).toHaveLength(1);
    } finally {
      await single.close();
    }
  });
});

describe('createEngine: the verified-solution cache (RunOptions.memory)', () => {
  test('a spec solved before is decided again from memory, verified again, without a model call; tampered code is not reused', async () => {
    const memory = SqliteMemoryStore.open(':memory:');
    const answers = ["I'm sorry, but I can't help with that.", clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.minMax), clampChat(CLAMP_BODY.maxMin)];
    const first = new MockLanguageModel({ responses: (_options, callIndex) => answers[callIndex] ?? clampChat(CLAMP_BODY.minMax), capabilities: { completionStyle: 'chat', honoursTemperature: true } });
    const store = new MemoryRunStore();
    const engine = createEngine({ model: first, modelName: 'mock:first', store, sandbox: new BwrapSandbox(), memory });
    try {
      const solved = await engine.run([clampSpec()], { runId: 'run-memory-1', k: 2, maxSamples: 6, memory: true });
      expect(solved.results[0]).toMatchObject({ outcome: 'consensus' });
      expect(solved.results[0]?.reusedFrom).toBeUndefined();
      const remembered = await memory.find({ type: 'task' });
      expect(remembered).toHaveLength(1);
      expect(remembered[0]).toMatchObject({ namespace: 'coder', source: 'run-memory-1', taskId: 'orchestrate/clamp', text: solved.results[0]?.code, tags: [specKey(clampSpec()), 'verified'] });
      // The refusal is remembered as an error of the task, with its rule as a tag.
      const errors = await memory.find({ type: 'error', taskId: 'orchestrate/clamp' });
      expect(errors.map((chunk) => chunk.tags)).toContainEqual(['refusal-or-hedge']);
      expect(errors[0]?.text).toMatch(/^red flag refusal-or-hedge: /);

      // The same contract under another id and name: reused, verified again, no call.
      const calls = first.calls.length;
      const again = await engine.run([{ ...clampSpec(), id: 'clamp-again', name: 'clamp again', metadata: { source: 'elsewhere' } }], { runId: 'run-memory-2', k: 2, memory: true });
      expect(first.calls).toHaveLength(calls);
      expect(again.results[0]).toMatchObject({ taskId: 'clamp-again', outcome: 'consensus', samples: 0, votes: 0, code: solved.results[0]?.code, reusedFrom: { runId: 'run-memory-1', taskId: 'orchestrate/clamp' } });
      expect(again.results[0]?.reason).toMatch(/^reused the code verified for this spec by run run-memory-1 .*passed every verification layer again; no model was called$/);
      expect((await store.getRun('run-memory-2'))?.decisions[0]).toMatchObject({ outcome: 'consensus', samples: 0, code: solved.results[0]?.code });

      // Remembered code that no longer passes (here: tampered with) is never reused: the task is sampled as usual.
      await memory.forget({ all: true });
      await memory.add([{ type: 'task', text: 'function clamp(x: number, low: number, high: number): number {\n  return x;\n}\n', source: 'run-x', taskId: 'orchestrate/clamp', tags: [specKey(clampSpec()), 'verified'], namespace: 'coder' }]);
      const before = first.calls.length;
      const tampered = await engine.run([clampSpec()], { runId: 'run-memory-3', k: 2, maxSamples: 6, memory: true });
      expect(tampered.results[0]?.reusedFrom).toBeUndefined();
      expect(tampered.results[0]?.outcome).toBe('consensus');
      expect(first.calls.length).toBeGreaterThan(before);
    } finally {
      await engine.close();
    }
  });

  test('the chat prompts carry what the memory retrieves for the task (its earlier failures first), recorded with the run', async () => {
    const memory = SqliteMemoryStore.open(':memory:');
    await memory.add([
      { type: 'api_doc', text: 'Clamping: a value below low becomes low, above high becomes high.', source: 'docs/clamp.md', symbol: 'Clamping' },
      { type: 'error', text: 'failed unit-tests: clamp(15, 0, 10) returned 15, expected 10', source: 'run-old', taskId: 'orchestrate/clamp', tags: ['unit-tests'], namespace: 'coder' },
      { type: 'error', text: 'failed unit-tests: another task', source: 'run-old', taskId: 'other', namespace: 'coder' },
      // Not the coder's: a failure in another archetype's own memory is not shown to the coder.
      { type: 'error', text: 'failed unit-tests: the decomposer saw this', source: 'run-old', taskId: 'orchestrate/clamp', namespace: 'decomposer' },
    ]);
    const model = new MockLanguageModel({ responses: clampChat(CLAMP_BODY.minMax), capabilities: { completionStyle: 'chat', honoursTemperature: true } });
    const store = new MemoryRunStore();
    const engine = createEngine({ model, modelName: 'mock', store, sandbox: new BwrapSandbox(), memory });
    try {
      await engine.run([clampSpec()], { runId: 'run-retrieved', k: 2, memory: true });
      const user = model.calls[0]?.messages?.[1]?.content ?? '';
      expect(user).toMatch(/Retrieved from the project's memory \(for reference only; the task above is what counts\):\nMistakes earlier samples of this task made:\n- an earlier sample: failed unit-tests: clamp\(15, 0, 10\) returned 15, expected 10\ndocs\/clamp\.md \(Clamping\):\n/);
      expect(user).toContain('a value below low becomes low');
      expect(user).not.toContain('another task');
      expect(user).not.toContain('the decomposer saw this');
      const checkpoint = (await store.getRun('run-retrieved'))?.checkpoints.find((entry) => entry.kind === 'retrieved-context');
      expect(checkpoint?.body).toMatchObject({ taskId: 'orchestrate/clamp', failures: 1, chunks: [{ source: 'docs/clamp.md', symbol: 'Clamping', type: 'api_doc' }] });
    } finally {
      await engine.close();
    }
  });

  test('a memory that cannot take the run\'s chunks (it holds vectors, the run has no embedder) does not fail the run', async () => {
    const memory = SqliteMemoryStore.open(':memory:');
    const embedder = { provider: 'test', modelId: 'v', embed: async (texts: readonly string[]) => texts.map(() => Float32Array.from([1, 0])), close: async () => undefined };
    await memory.add([{ type: 'api_doc', text: 'clamping notes', source: 'docs/a.md' }], { embedder });
    const model = new MockLanguageModel({ responses: clampChat(CLAMP_BODY.minMax), capabilities: { completionStyle: 'chat', honoursTemperature: true } });
    const engine = createEngine({ model, modelName: 'mock', store: new MemoryRunStore(), sandbox: new BwrapSandbox(), memory });
    try {
      const { results } = await engine.run([clampSpec()], { k: 2, memory: true });
      expect(results[0]?.outcome).toBe('consensus');
      expect(await memory.find({ type: 'task' })).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  test('memory: true without an engine memory is refused', async () => {
    await withEngine(goodAnswers, async ({ engine }) => {
      await expect(engine.run([clampSpec()], { memory: true })).rejects.toMatchObject({ code: 'invalid_argument', parameter: 'runOptions.memory' });
    });
  });
});
