import { describe, expect, test } from 'vitest';
import { checkProposal, PROPOSAL_RED_FLAG_RULES } from './proposal-red-flags.js';
import { answer, baseProposal, cyclicProposal, subtask } from './testing/proposals.js';
import type { DecompositionProposal } from './decomposition-proposal.js';

const rules = (text: string, context: Parameters<typeof checkProposal>[1] = {}) => checkProposal(text, context).hits.map((hit) => hit.rule);
const reasonOf = (text: string, rule: string, context: Parameters<typeof checkProposal>[1] = {}) =>
  checkProposal(text, context).hits.find((hit) => hit.rule === rule)?.reason;

describe('checkProposal', () => {
  test('a valid proposal passes, bare or fenced, and comes back parsed with defaults applied', () => {
    const base = baseProposal();
    const bare = checkProposal(answer(base));
    expect(bare.hits).toEqual([]);
    expect(bare.proposal).toEqual(base);
    expect(bare.parsed).toEqual(base);
    expect(checkProposal(`Plan:\n\`\`\`json\n${answer(base)}\n\`\`\``).proposal).toEqual(base);
    const minimal = { subtasks: [{ id: 'a', name: 'A', description: 'd', signature: { entryPoint: 'a', output: { type: 'number' } }, estimatedLines: 1, estimatedComplexity: 1 }] };
    expect(checkProposal(JSON.stringify(minimal)).proposal?.subtasks[0]).toMatchObject({ dependencies: [], testCases: [], signature: { inputs: [] } });
  });

  test('not-json: prose without a JSON object; ends the checks', () => {
    expect(checkProposal('I would split this into three functions.')).toEqual({
      proposal: null, parsed: null, hits: [{ rule: 'not-json', reason: expect.stringContaining('neither a bare JSON object') }],
    });
  });

  test('schema: the zod issues are listed with their paths', () => {
    const broken = { subtasks: [{ ...subtask('Bad_Id', 'f', [], 'number', []), estimatedLines: 0 }] };
    const result = checkProposal(JSON.stringify(broken));
    expect(result.hits.map((hit) => hit.rule)).toEqual(['schema']);
    expect(result.hits[0]?.reason).toContain('subtasks.0.id');
    expect(result.hits[0]?.reason).toContain('subtasks.0.estimatedLines: got 0, expected a positive integer');
    expect(result.parsed).toBeNull();
    expect(rules('{"subtasks": []}')).toEqual(['schema']);
    expect(reasonOf('{"subtasks": [], "extra": 1}', 'schema')).toContain('extra');
  });

  test('over-token-cap: finish reason length, or more tokens than the cap; checked with the other rules', () => {
    const text = answer(baseProposal());
    expect(rules(text, { finishReason: 'length', outputTokens: 100 })).toEqual(['over-token-cap']);
    expect(rules(text, { outputTokens: 4097 })).toEqual(['over-token-cap']);
    expect(rules(text, { outputTokens: 4096 })).toEqual([]);
    expect(reasonOf(text, 'over-token-cap', { outputTokens: 600, maxOutputTokens: 500 })).toBe('600 output tokens exceed the cap of 500');
    expect(rules('{"subtasks": [', { finishReason: 'length' })).toEqual(['over-token-cap', 'not-json']);
  });

  test('too-many-subtasks: more than maxSubtasks (default 12)', () => {
    const many: DecompositionProposal = { subtasks: Array.from({ length: 13 }, (_, index) => subtask(`s${index}`, `f${index}`, [], 'number', [])) };
    expect(rules(answer(many))).toEqual(['too-many-subtasks']);
    expect(rules(answer(many), { maxSubtasks: 13 })).toEqual([]);
    expect(rules(answer(baseProposal()), { maxSubtasks: 2 })).toEqual(['too-many-subtasks']);
  });

  test('dangling-dependency names the subtask and the unknown id, in one hit per sample', () => {
    const base = baseProposal();
    const dangling = { subtasks: base.subtasks.map((item) => item.id === 'calculate' ? { ...item, dependencies: ['tokenize', 'parse', 'lex'] } : item) };
    const result = checkProposal(answer(dangling));
    expect(result.hits).toEqual([{ rule: 'dangling-dependency', reason: 'calculate depends on unknown id "parse"; calculate depends on unknown id "lex"' }]);
    expect(result.proposal).toBeNull();
    expect(result.parsed).toEqual(dangling);
  });

  test('cycle names the cycle in order; a self-dependency is a cycle', () => {
    expect(checkProposal(answer(cyclicProposal())).hits).toEqual([{ rule: 'cycle', reason: 'dependency cycle: calculate -> tokenize -> calculate' }]);
    const self = { subtasks: [{ ...subtask('a', 'a', [], 'number', ['a']) }] };
    expect(reasonOf(JSON.stringify(self), 'cycle')).toBe('dependency cycle: a -> a');
  });

  test('duplicate-id', () => {
    const twice = { subtasks: [subtask('a', 'f', [], 'number', []), subtask('a', 'g', [], 'number', [])] };
    expect(checkProposal(answer(twice)).hits).toEqual([{ rule: 'duplicate-id', reason: 'duplicate subtask ids: "a"' }]);
  });

  test('duplicate-entry-point: within the proposal or against the reserved entry points', () => {
    const twice = { subtasks: [subtask('a', 'f', [], 'number', []), subtask('b', 'f', [], 'number', [])] };
    expect(reasonOf(answer(twice), 'duplicate-entry-point')).toBe('entry point "f" is used by more than one subtask');
    expect(reasonOf(answer(baseProposal()), 'duplicate-entry-point', { reservedEntryPoints: ['tokenize', 'other'] }))
      .toBe('entry point "tokenize" is already used elsewhere in the project');
  });

  test('parentEntryPoint: exactly one subtask has it; it is exempt from the reserved list', () => {
    const text = answer(baseProposal());
    expect(rules(text, { parentEntryPoint: 'calculate', reservedEntryPoints: ['calculate'] })).toEqual([]);
    expect(checkProposal(text, { parentEntryPoint: 'compute' }).hits).toEqual([
      { rule: 'missing-parent-entry-point', reason: 'no subtask has the parent\'s entry point "compute"' },
    ]);
  });

  test('several rules hit at once, in the documented order', () => {
    const bad = { subtasks: [subtask('a', 'f', [], 'number', ['b', 'z']), subtask('b', 'f', [], 'number', ['a'])] };
    const hits = rules(answer(bad), { maxSubtasks: 1, parentEntryPoint: 'main', outputTokens: 5000 });
    expect(hits).toEqual(['over-token-cap', 'too-many-subtasks', 'dangling-dependency', 'cycle', 'duplicate-entry-point', 'missing-parent-entry-point']);
    expect(hits.every((rule) => (PROPOSAL_RED_FLAG_RULES as readonly string[]).includes(rule))).toBe(true);
  });

  test('a malformed context throws invalid_argument naming the field', () => {
    expect(() => checkProposal('{}', { maxSubtasks: 0 })).toThrow(/context\.maxSubtasks/);
  });
});

describe('checkProposal: class subtasks', () => {
  const stack = {
    id: 'stack', name: 'Stack', description: 'A bounded stack.', taskType: 'class',
    signature: { entryPoint: 'Stack', inputs: [{ name: 'capacity', type: 'number' }], output: { type: 'Stack' } },
    methods: [{ name: 'push', inputs: [{ name: 'x', type: 'number' }], output: { type: 'number' } }, { name: 'pop', inputs: [], output: { type: 'number' } }],
    sequences: [{ construct: [2], steps: [{ call: 'push', args: [5], expected: 1 }, { call: 'pop', expected: 5 }] }],
    estimatedLines: 12, estimatedComplexity: 3,
  };

  test('a valid class subtask passes and keeps its members', () => {
    const result = checkProposal(JSON.stringify({ subtasks: [stack] }));
    expect(result.hits).toEqual([]);
    expect(result.proposal?.subtasks[0]).toMatchObject({ taskType: 'class', methods: [{ name: 'push' }, { name: 'pop' }] });
  });

  test('class-shape: a sequence calling an undeclared method, a wrong output type or a value of the wrong type', () => {
    const broken = {
      ...stack,
      signature: { ...stack.signature, output: { type: 'number' } },
      sequences: [{ construct: ['two'], steps: [{ call: 'peek', expected: 1 }] }],
    };
    const reason = reasonOf(JSON.stringify({ subtasks: [broken] }), 'class-shape') ?? '';
    expect(reason).toContain('the class name Stack');
    expect(reason).toContain('peek');
    expect(reason).toContain('"two"');
  });

  test('class-shape: types are read in the project\'s language', () => {
    const python = { ...stack, signature: { ...stack.signature, inputs: [{ name: 'capacity', type: 'int' }] },
      methods: [{ name: 'push', inputs: [{ name: 'x', type: 'int' }], output: { type: 'int' } }, { name: 'pop', inputs: [], output: { type: 'int' } }] };
    expect(rules(JSON.stringify({ subtasks: [python] }), { language: 'python' })).toEqual([]);
  });

  test('class-shape: a function subtask with class members', () => {
    const odd = { ...subtask('f', 'f', [], 'number', []), methods: [{ name: 'm', inputs: [], output: { type: 'number' } }] };
    expect(reasonOf(answer({ subtasks: [odd] } as unknown as DecompositionProposal), 'class-shape')).toBe('f has methods but is not a class (taskType: "class")');
  });
});

describe('checkProposal: a service', () => {
  const handler = (id: string, entryPoint: string): Record<string, unknown> => ({
    id, name: id, description: id, estimatedLines: 4, estimatedComplexity: 1,
    signature: { entryPoint, inputs: [{ name: 'state', type: 'Dict[str, Any]' }, { name: 'request', type: 'Dict[str, Any]' }], output: { type: 'Dict[str, Any]' } },
  });
  const proposal = (service: Record<string, unknown>, extra: Record<string, unknown>[] = []): string => JSON.stringify({
    subtasks: [handler('list-items', 'list_items'), handler('add-item', 'add_item'), ...extra],
    service: {
      initialState: { items: [] },
      routes: [{ method: 'GET', path: '/items', handler: 'list-items' }, { method: 'POST', path: '/items', handler: 'add-item' }],
      scenario: [{ method: 'POST', path: '/items', body: { name: 'a' }, status: 201 }, { method: 'GET', path: '/items?limit=1', status: 200, response: [{ name: 'a' }] }],
      ...service,
    },
  });

  test('a service over function handlers of (state, request) passes in a Python project', () => {
    const result = checkProposal(proposal({}), { language: 'python' });
    expect(result.hits).toEqual([]);
    expect(result.proposal?.service?.routes).toHaveLength(2);
  });

  test('service-shape: unknown or ill-shaped handlers, a duplicate route, a request no route answers', () => {
    const bad = proposal({
      routes: [
        { method: 'GET', path: '/items', handler: 'list-items' }, { method: 'GET', path: '/items', handler: 'add-item' },
        { method: 'DELETE', path: '/items/{id}', handler: 'remove' }, { method: 'PUT', path: '/items/{id}', handler: 'one-input' },
      ],
      scenario: [{ method: 'PATCH', path: '/items/1', status: 200 }],
    }, [{ ...handler('one-input', 'one_input'), signature: { entryPoint: 'one_input', inputs: [{ name: 'state', type: 'Any' }], output: { type: 'Any' } } }]);
    expect(reasonOf(bad, 'service-shape', { language: 'python' })).toBe(
      'route GET /items: another route has the same method and path; route DELETE /items/{id}: handler "remove" is not a subtask id; ' +
      'route PUT /items/{id}: handler one-input must be a function of two inputs (state, request); scenario 1: no route answers PATCH /items/1',
    );
  });

  test('service-shape: only the requirements\' decomposition has a service, in either language', () => {
    expect(reasonOf(proposal({}), 'service-shape', { language: 'python', parentEntryPoint: 'list_items' })).toBe('a service belongs to the decomposition of the requirements, not of one task');
    expect(rules(proposal({}), { language: 'python' })).toEqual([]);
    expect(rules(proposal({}))).toEqual([]);
  });

  test('a path template that is not one is a schema hit', () => {
    expect(rules(proposal({ routes: [{ method: 'GET', path: 'items/{id', handler: 'list-items' }] }), { language: 'python' })).toEqual(['schema']);
  });
});
