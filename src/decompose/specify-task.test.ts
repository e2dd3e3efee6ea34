import { describe, expect, test } from 'vitest';
import { MockLanguageModel } from '../llm/providers/mock/mock-language-model.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { taskProgress } from '../store/task-progress.js';
import type { SpecifiedContract } from './archetypes/output-schemas.js';
import type { DecomposeEvent } from './decompose-events.js';
import { contractSignature, specifyTask, type SpecifyTaskOptions } from './specify-task.js';
import { bySampleIndex } from './testing/proposals.js';

const TASK = 'specify:root';
const REQUIREMENTS = 'a function that returns the largest even number in a list of integers, or null when there is none';

/** A contract for the requirements above; `name` and `tests` vary between samples of one class. */
function contract(overrides: Partial<SpecifiedContract> & { readonly parameter?: string } = {}): SpecifiedContract {
  const { parameter = 'xs', ...rest } = overrides;
  return {
    signature: { entryPoint: 'largestEven', inputs: [{ name: parameter, type: 'number[]' }], output: { type: 'number | null' } },
    preconditions: [],
    postconditions: ['result === null || result % 2 === 0'],
    testCases: [
      { inputs: [[1, 2, 3, 4]], expected: 4, expectThrows: false },
      { inputs: [[1, 3]], expected: null, expectThrows: false },
    ],
    properties: [],
    ...rest,
  };
}

async function specify(model: MockLanguageModel, options: Partial<SpecifyTaskOptions> = {}) {
  const store = new MemoryRunStore();
  const runId = `run-specify-${Math.random().toString(36).slice(2)}`;
  await store.createRun({ id: runId, kind: 'specify', model: 'mock', config: {}, createdAt: Date.now() });
  const events: DecomposeEvent[] = [];
  const result = await specifyTask({ model, store, emit: (event) => events.push(event) }, { runId, requirements: REQUIREMENTS, language: 'typescript', ...options });
  const run = await store.getRun(runId);
  if (run === undefined) throw new Error('run missing');
  return { result, run, events, store, runId };
}

describe('specifyTask', () => {
  test('contracts that differ in parameter names vote together; the chosen spec carries the user words and the votes', async () => {
    const model = new MockLanguageModel({
      responses: bySampleIndex([JSON.stringify(contract()), JSON.stringify(contract({ parameter: 'numbers' }))]),
    });
    const { result, run } = await specify(model, { k: 2 });
    expect(result).toMatchObject({ taskId: TASK, outcome: 'consensus', votes: 2, samples: 2, redFlagged: 0, droppedTestCases: [] });
    expect(result.classKey).toBe(contractSignature(contract()).classKey);
    expect(result.spec).toMatchObject({
      id: 'largestEven', name: 'largestEven', description: REQUIREMENTS, language: 'typescript', taskType: 'function',
      signature: { entryPoint: 'largestEven', inputs: [{ name: 'xs', type: 'number[]' }] },
      metadata: { source: 'specifier', votes: '2' },
    });
    expect(result.spec?.testCases).toHaveLength(2);
    expect(run.votes.map((vote) => vote.classKey)).toEqual([result.classKey, result.classKey]);
    expect(run.decisions[0]).toMatchObject({ taskId: TASK, outcome: 'consensus', code: JSON.stringify(contract()) });
    // The specifier saw the user's words, and the chat model got the JSON instructions.
    const prompt = model.calls[0]?.messages?.map((message) => message.content).join('\n') ?? '';
    expect(prompt).toContain(REQUIREMENTS);
    expect(prompt).toContain('TypeScript');
  });

  test('a contract with another output type is another class: the majority wins, the minority is outvoted', async () => {
    const other = contract({
      signature: { entryPoint: 'largestEven', inputs: [{ name: 'xs', type: 'number[]' }], output: { type: 'number' } },
      postconditions: [], testCases: [{ inputs: [[1, 3]], expected: -1, expectThrows: false }],
    });
    const model = new MockLanguageModel({
      responses: bySampleIndex([JSON.stringify(other), JSON.stringify(contract()), JSON.stringify(contract()), JSON.stringify(contract()), JSON.stringify(contract())]),
    });
    const { result } = await specify(model, { k: 2, parallelism: 1 });
    expect(result.outcome).toBe('consensus');
    expect(result.spec?.signature.output.type).toBe('number | null');
    expect(result.classes.map((c) => c.votes)).toEqual([3, 1]);
    expect(contractSignature(other).classKey).not.toBe(result.classKey);
  });

  test('red flags: prose, a broken schema, a spec that fails its checks, no test cases, another entry point', async () => {
    const badTest = contract({ testCases: [{ inputs: [[1, 2], 'extra'], expected: 2, expectThrows: false }] });
    const answers = [
      'Sure! Here is the contract you asked for.',
      JSON.stringify({ signature: { entryPoint: 'largestEven' } }),
      JSON.stringify(badTest),
      JSON.stringify(contract({ testCases: [] })),
      JSON.stringify(contract({ signature: { entryPoint: 'maxEven', inputs: [{ name: 'xs', type: 'number[]' }], output: { type: 'number | null' } } })),
    ];
    const model = new MockLanguageModel({ responses: bySampleIndex(answers) });
    const { result, run } = await specify(model, { k: 2, maxSamples: 5, parallelism: 5, entryPoint: 'largestEven' });
    expect(result.outcome).toBe('no-consensus');
    expect(result.spec).toBeNull();
    expect(result.redFlagsByRule).toEqual({ 'not-json': 1, schema: 1, 'invalid-spec': 2, 'too-few-tests': 1 });
    const reasons = run.redFlags.map((hit) => `${hit.sampleIndex} ${hit.rule}: ${hit.reason}`).join('\n');
    expect(reasons).toMatch(/2 invalid-spec: testCases\.0\.inputs: got 2 arguments/);
    expect(reasons).toMatch(/4 invalid-spec: signature\.entryPoint: got "maxEven", expected "largestEven"/);
    expect(reasons).toMatch(/1 schema: signature\.output: got nothing/);
    // The entry point the user fixed is in the prompt.
    expect(model.calls[0]?.messages?.at(-1)?.content).toContain('`largestEven`');
  });

  test('a test case another contract of the class contradicts is left out, and said so', async () => {
    const wrong = contract({ testCases: [{ inputs: [[1, 2, 3, 4]], expected: 4, expectThrows: false }, { inputs: [[2, 8, 6]], expected: 6, expectThrows: false }] });
    const right = contract({ testCases: [{ inputs: [[2, 8, 6]], expected: 8, expectThrows: false }] });
    const model = new MockLanguageModel({ responses: bySampleIndex([JSON.stringify(wrong), JSON.stringify(right)]) });
    const { result } = await specify(model, { k: 2 });
    expect(result.spec?.testCases.map((t) => t.expected)).toEqual([4]);
    expect(result.droppedTestCases).toEqual([{ inputs: [[2, 8, 6]], reason: expect.stringContaining('expects [false,null,8] where this one expects [false,null,6]') }]);
  });

  test('resume: recorded samples are not sampled again and the decision is the same as without the interruption', async () => {
    const answers = [JSON.stringify(contract()), 'not json', JSON.stringify(contract({ parameter: 'values' }))];
    const uninterrupted = await specify(new MockLanguageModel({ responses: bySampleIndex(answers) }), { k: 2, parallelism: 1 });
    expect(uninterrupted.result.samples).toBe(3);

    const controller = new AbortController();
    const first = new MockLanguageModel({
      responses: (options) => {
        if (options.metadata?.['sampleIndex'] === '2') {
          controller.abort(new Error('interrupted'));
          throw controller.signal.reason;
        }
        return bySampleIndex(answers)(options);
      },
    });
    const store = new MemoryRunStore();
    await store.createRun({ id: 'run-resumed', kind: 'specify', model: 'mock', config: {}, createdAt: Date.now() });
    const options = { runId: 'run-resumed', requirements: REQUIREMENTS, language: 'typescript' as const, k: 2, parallelism: 1 };
    await expect(specifyTask({ model: first, store, emit: () => undefined }, { ...options, signal: controller.signal })).rejects.toThrow('interrupted');
    const run = await store.getRun('run-resumed');
    if (run === undefined) throw new Error('run missing');
    expect(run.decisions).toEqual([]);

    const again = new MockLanguageModel({ responses: bySampleIndex(answers) });
    const resumed = await specifyTask({ model: again, store, emit: () => undefined }, { ...options, resume: taskProgress(run, TASK) });
    expect(again.calls.map((call) => call.metadata?.['sampleIndex'])).toEqual(['2']);
    expect(resumed.spec).toEqual({ ...uninterrupted.result.spec, metadata: { ...uninterrupted.result.spec?.metadata, specifyRun: 'run-resumed' } });
    expect(resumed.redFlagsByRule).toEqual({ 'not-json': 1 });
  });

  test('a Python task gets Python types in the prompt and a Python spec', async () => {
    const python = contract({ signature: { entryPoint: 'largest_even', inputs: [{ name: 'xs', type: 'List[int]' }], output: { type: 'Optional[int]' } }, postconditions: [] });
    const model = new MockLanguageModel({ responses: JSON.stringify(python) });
    const { result } = await specify(model, { k: 1, language: 'python' });
    expect(result.spec).toMatchObject({ language: 'python', id: 'largest_even' });
    expect(model.calls[0]?.messages?.[0]?.content).toContain('List[str]');
  });

  test('bad options name the field', async () => {
    await expect(specify(new MockLanguageModel({ responses: '{}' }), { requirements: '  ' })).rejects.toThrow(/options\.requirements/);
    await expect(specify(new MockLanguageModel({ responses: '{}' }), { entryPoint: 'not a name' })).rejects.toThrow(/options\.entryPoint/);
  });
});
