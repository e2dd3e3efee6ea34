/**
 * Class specs through prompting, assembly and the wrong-format red flag (issue 14 #2): the rendered class skeleton,
 * the chat prompt with call-sequence examples, the continuation head, a fence-less answer read from its first line of
 * code, and a sample defining the wrong class or missing methods red-flagged.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { contextFor } from '../../redflag/testing/sample-context.js';
import { createTestCodeTokenizer } from '../../redflag/testing/test-code-tokenizer.js';
import { wrongFormatRule } from '../../redflag/rules/wrong-format.js';
import { renderStub } from '../../task-spec/render-stub.js';
import { TaskSpecSchema, type Language } from '../../task-spec/task-spec.js';
import { ts } from '../../task-spec/typescript-api.js';
import { assembleCandidate } from './assemble-candidate.js';
import { buildSamplePrompt, classContinuationHead } from './build-prompt.js';

const classSpec = (language: Language) => TaskSpecSchema.parse({
  id: 'stack', name: 'Stack', description: 'A bounded stack.\nPush fails when full.', taskType: 'class', language,
  signature: { entryPoint: 'Stack', inputs: [{ name: 'capacity', type: language === 'python' ? 'int' : 'number' }], output: { type: 'Stack' } },
  methods: [
    { name: 'push', inputs: [{ name: 'x', type: language === 'python' ? 'int' : 'number' }], output: { type: language === 'python' ? 'None' : 'void' }, description: 'Push x; raise when full.' },
    { name: 'pop', inputs: [], output: { type: language === 'python' ? 'Optional[int]' : 'number | undefined' } },
  ],
  fields: [{ name: 'size', type: language === 'python' ? 'int' : 'number' }],
  sequences: [{ construct: [1], steps: [{ call: 'push', args: [4] }, { call: 'push', args: [5], throws: { type: 'Error' } }, { field: 'size', expected: 1 }, { call: 'pop', expected: 4 }] }],
});

describe('renderStub of a class spec', () => {
  it('Python: a class skeleton that parses, with typing imported, the fields and every method', () => {
    const stub = renderStub(classSpec('python'));
    expect(stub).toMatch(/^from typing import \*\n/);
    expect(stub).toContain('class Stack:\n    """A bounded stack.\n    Push fails when full.\n    """');
    expect(stub).toContain('    def __init__(self, capacity: int) -> None:\n        self.size: int\n');
    expect(stub).toContain('    def push(self, x: int) -> None:\n        """Push x; raise when full.\n        """\n        ...\n');
    expect(stub).toContain('    def pop(self) -> Optional[int]:\n        ...\n');
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: stub });
    expect(parsed.status, parsed.stderr.toString()).toBe(0);
  });

  it('TypeScript: a class skeleton that parses, with the fields, the constructor and every method', () => {
    const stub = renderStub(classSpec('typescript'));
    expect(stub).toContain('class Stack {\n  size: number;\n');
    expect(stub).toContain('  constructor(capacity: number) {');
    expect(stub).toContain('  /** Push x; raise when full. */\n  push(x: number): void {');
    expect(stub).toContain('  pop(): number | undefined {');
    const out = ts.transpileModule(stub, { reportDiagnostics: true });
    expect(out.diagnostics ?? []).toEqual([]);
  });
});

describe('buildSamplePrompt of a class spec', () => {
  it('chat: asks for the class with every method, shows the skeleton and the call sequences as examples', () => {
    const prompt = buildSamplePrompt(classSpec('python'), 'chat', 'stub');
    const [system, user] = prompt.messages ?? [];
    expect(system?.content).toMatch(/one correct, self-contained Python class\. .*the complete class `Stack` with every method implemented/);
    expect(user?.content).toContain('class Stack:');
    expect(user?.content).toContain('- x = Stack(1); x.push(4); x.push(5) throws Error; x.size is 1; x.pop() returns 4');
    expect(user?.content).not.toContain('Method contracts');
  });

  it('chat: the class invariants and each method\'s contract, where the spec states them', () => {
    const base = classSpec('python');
    const spec = TaskSpecSchema.parse({
      ...base, invariants: ['size >= 0'],
      methods: [{ ...base.methods[0], preconditions: ['x > 0'], postconditions: ['size == old_size + 1'] }, base.methods[1]],
    });
    const user = buildSamplePrompt(spec, 'chat', 'stub').messages?.[1]?.content ?? '';
    expect(user).toContain('Class invariants (over the fields, after every call): size >= 0');
    expect(user).toContain('Method contracts (old_<field>: the field before the call; result: the returned value):\n- push: requires x > 0; ensures size == old_size + 1');
    expect(user).not.toContain('- pop:');
  });

  it('continuation: the skeleton, then the head of the class the model writes', () => {
    const spec = classSpec('python');
    const prompt = buildSamplePrompt(spec, 'continuation', 'stub');
    expect(prompt.prompt?.endsWith('\n\n# The class Stack with every method implemented:\nclass Stack')).toBe(true);
    expect(classContinuationHead(classSpec('typescript'))).toBe('\n\n// The class Stack with every method implemented:\nclass Stack');
    const assembled = assembleCandidate(spec, 'continuation', ':\n    def __init__(self, capacity):\n        self.size = 0\n');
    expect(assembled.code).toBe('from typing import *\nclass Stack:\n    def __init__(self, capacity):\n        self.size = 0\n');
  });
});

describe('assembleCandidate: a fence-less chat answer', () => {
  it('starts at the first line of code, leaving the prose before it out', () => {
    const spec = classSpec('python');
    const text = 'Please complete the class Stack in the following code.\n\nimport math\nclass Stack:\n    pass\n';
    expect(assembleCandidate(spec, 'chat', text).generatedCode).toBe('import math\nclass Stack:\n    pass\n');
    // Prose that never reaches a line of code stays as it was (and is red-flagged as prose).
    expect(assembleCandidate(spec, 'chat', 'I cannot write Stack.').generatedCode).toBe('I cannot write Stack.');
  });
});

describe('wrong-format on a class spec', () => {
  const rule = wrongFormatRule({ tokenizer: createTestCodeTokenizer() });
  const check = (language: Language, code: string) => rule.check({ ...contextFor({ language, text: code, code }), spec: classSpec(language) });

  it.each([
    ['python', 'class Stack:\n    def push(self, x):\n        pass\n\n    def pop(self):\n        pass\n'],
    ['python', 'class Stack(object):\n    async def push(self, x):\n        pass\n    @property\n    def size(self):\n        return 0\n    def pop(self):\n        pass\n'],
    ['typescript', 'export class Stack {\n  push(x: number): void {}\n  pop(): number | undefined { return undefined; }\n}\n'],
    ['typescript', 'class Stack<T> {\n  public push(x: T) {}\n  async pop() { return 1; }\n}\n'],
    ['typescript', 'class Stack {\n  items: number[] = [];\n  push = (x: number): void => { this.items.push(x); };\n  readonly pop = function () { return 1; };\n}\n'],
  ] as const)('accepts %s %j', async (language, code) => {
    expect(await check(language, code)).toBeUndefined();
  });

  it.each([
    ['python', 'class Queue:\n    def push(self, x):\n        pass\n    def pop(self):\n        pass\n', /does not define the class Stack/],
    ['python', 'class Stack:\n    def push(self, x):\n        pass\n', /lacks the method pop$/],
    ['python', '# class Stack:\nclass Other:\n    pass\n', /does not define the class Stack/],
    ['typescript', 'class Stack {\n  push(x: number) {}\n}\nconst pop = () => 1;\n', /lacks the method pop$/],
    ['typescript', 'class Stack {\n  push(x: number) { this.pop2(); }\n  pop2() {}\n}\n', /lacks the method pop$/],
    ['typescript', 'function Stack() {}\n', /does not define the class Stack/],
    ['typescript', 'class Stack {\n  push(x: number) {}\n  pop = 3;\n}\n', /lacks the method pop$/],
  ] as const)('hits on %s %j', async (language, code, reason) => {
    const hit = await check(language, code);
    expect(hit).toMatchObject({ rule: 'wrong-format' });
    expect(hit?.reason).toMatch(reason);
  });
});

describe('module specs through prompting, assembly and the wrong-format red flag', () => {
  const moduleSpec = (language: Language) => TaskSpecSchema.parse({
    id: 'geo', name: 'geo', description: 'Circle helpers.', taskType: 'module', language,
    signature: { entryPoint: 'geo', inputs: [], output: { type: 'geo' } },
    methods: [
      { name: 'area', inputs: [{ name: 'r', type: language === 'python' ? 'float' : 'number' }], output: { type: language === 'python' ? 'float' : 'number' }, description: 'The area.' },
      { name: 'names', inputs: [], output: { type: language === 'python' ? 'List[str]' : 'string[]' } },
    ],
    fields: [{ name: 'UNITS', type: language === 'python' ? 'str' : 'string' }],
    sequences: [{ construct: [], steps: [{ call: 'area', args: [1], expected: 3.14, tolerance: { absolute: 0.01 } }, { field: 'UNITS', expected: 'cm' }] }],
  });

  it('renders skeletons that parse, and a prompt asking for every function and constant at the top level', () => {
    const python = renderStub(moduleSpec('python'));
    expect(python).toContain('UNITS: str  # set it\n');
    expect(python).toContain('def area(r: float) -> float:\n    """The area.\n    """\n    ...\n');
    expect(spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: python }).status).toBe(0);
    const typescript = renderStub(moduleSpec('typescript'));
    expect(typescript).toContain('export let UNITS: string; // set it\n');
    expect(typescript).toContain('/** The area. */\nexport function area(r: number): number {');
    expect(ts.transpileModule(typescript, { reportDiagnostics: true }).diagnostics ?? []).toEqual([]);
    const [system, user] = buildSamplePrompt(moduleSpec('python'), 'chat', 'stub').messages ?? [];
    expect(system?.content).toMatch(/Python module\. .*every function \(`area`, `names`\) and constant \(`UNITS`\) implemented at the top level/);
    expect(user?.content).toContain('- area(1) returns 3.14; UNITS is "cm"');
  });

  it('assembles a fenced answer by its first function, and red-flags a module missing a function', async () => {
    const spec = moduleSpec('python');
    const text = 'Sure.\n```python\nUNITS = "cm"\ndef area(r):\n    return 3.14 * r * r\n```';
    const { code } = assembleCandidate(spec, 'chat', text);
    expect(code).toBe('from typing import *\nUNITS = "cm"\ndef area(r):\n    return 3.14 * r * r\n');
    const rule = wrongFormatRule({ tokenizer: createTestCodeTokenizer() });
    const hit = await rule.check({ ...contextFor({ language: 'python', text, code }), spec });
    expect(hit).toMatchObject({ rule: 'wrong-format', reason: 'the module geo lacks the function names' });
    const whole = `${code ?? ''}def names():\n    return []\n`;
    expect(await rule.check({ ...contextFor({ language: 'python', text: whole, code: whole }), spec })).toBeUndefined();
  });
});
