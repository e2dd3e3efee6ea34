import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../../sandbox/create-sandbox.js';
import type { Sandbox, SandboxRunResult } from '../../../sandbox/sandbox.js';
import { TaskSpecSchema, type TaskSpecInput } from '../../../task-spec/task-spec.js';
import { attributeFailures } from './failure-attribution.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { planModules } from './project-layout.js';
import { projectFiles } from './project-files.js';
import { ProjectTypeChecker } from './project-type-checker.js';
import { parseTestEvents, runProjectTests } from './sandbox-test-run.js';
import { verifyProject } from './verify-project.js';

function piece(nodeId: string, spec: Omit<TaskSpecInput, 'id' | 'language'>, code: string, dependencies: string[] = []): IntegratedPiece {
  return { nodeId, spec: TaskSpecSchema.parse({ id: nodeId, language: 'typescript', ...spec }), code, dependencies, source: 'consensus' };
}

const text = [{ name: 'text', type: 'string' }];
const splitWords = piece(
  'words.split',
  {
    name: 'Split words',
    description: 'The whitespace-separated words of a text.',
    signature: { entryPoint: 'splitWords', inputs: text, output: { type: 'string[]' } },
    testCases: [{ inputs: ['a  b\nc'], expected: ['a', 'b', 'c'] }, { inputs: ['  '], expected: [] }],
  },
  'function splitWords(text: string): string[] {\n  return text.split(/\\s+/).filter((word) => word.length > 0);\n}',
);
const countWords = piece(
  'words.count',
  {
    name: 'Count words',
    description: 'How many words a text has.',
    signature: { entryPoint: 'countWords', inputs: text, output: { type: 'number' } },
    testCases: [{ inputs: ['one two three'], expected: 3 }, { inputs: [''], expected: 0 }],
  },
  'function countWords(text: string): number {\n  return splitWords(text).length;\n}',
  ['words.split'],
);
const longestWord = piece(
  'words.longest',
  {
    name: 'Longest word',
    description: 'The first longest word, or "" for none.',
    signature: { entryPoint: 'longestWord', inputs: text, output: { type: 'string' } },
    testCases: [{ inputs: ['a bbb cc ddd'], expected: 'bbb' }, { inputs: [''], expected: '' }],
  },
  'function longestWord(text: string): string {\n  return splitWords(text).reduce(longer, "");\n}\n\nfunction longer(best: string, word: string): string {\n  return word.length > best.length ? word : best;\n}',
  ['words.split'],
);
const words = [splitWords, countWords, longestWord];

function project(pieces: readonly IntegratedPiece[]) {
  return { files: projectFiles({ name: 'words', requirements: 'Count words and find the longest one.', pieces }), pieces };
}

describe('verifyProject (real bwrap sandbox)', () => {
  let sandbox: Sandbox;
  const typeChecker = new ProjectTypeChecker();
  beforeAll(async () => {
    sandbox = await createSandbox();
  });
  afterAll(() => sandbox.close());

  it('type-checks the 3-piece words project and passes all its tests in the sandbox', async () => {
    const verdict = await verifyProject({ ...project(words), sandbox, typeChecker });
    expect(verdict.typeErrors).toEqual([]);
    expect(verdict.tests).toHaveLength(6);
    expect(verdict.tests.every((t) => t.passed)).toBe(true);
    expect(verdict.tests.map((t) => `${t.file} ${t.name}`)).toContain('test/count-words.test.ts countWords #1');
    expect(verdict).toMatchObject({ passed: true, failingNodeIds: [], affectedNodeIds: [] });
    console.log(`words project: type check ${verdict.typeCheckMs.toFixed(0)} ms, sandboxed tests ${verdict.testRunMs.toFixed(0)} ms`);
  });

  it('a class piece gets one test per call sequence (steps checked, fields read and set), type-checked and run', async () => {
    const tally = piece('words.tally', {
      taskType: 'class',
      name: 'Word tally',
      description: 'Counts the words added so far.',
      signature: { entryPoint: 'WordTally', inputs: [{ name: 'start', type: 'number' }], output: { type: 'WordTally' } },
      methods: [
        { name: 'add', inputs: text, output: { type: 'number' } },
        { name: 'words', inputs: [], output: { type: 'string[]', compare: 'set' } },
        { name: 'flush', inputs: [], output: { type: 'Promise<number>' } },
      ],
      fields: [{ name: 'total', type: 'number' }],
      sequences: [
        { construct: [0], steps: [{ call: 'add', args: ['a b a'], expected: 3 }, { field: 'total', expected: 3 }, { set: 'total', value: 10 }, { call: 'add', args: ['c'], expected: 11 }, { call: 'words', expected: ['c', 'b', 'a'] }] },
        { construct: [1], description: 'async flush', steps: [{ call: 'flush', expected: 1 }, { call: 'add', args: [''], throws: { type: 'RangeError', message: '^no words' } }] },
      ],
    }, 'class WordTally {\n  total: number;\n  private readonly seen = new Set<string>();\n  constructor(start: number) {\n    this.total = start;\n  }\n' +
      '  add(text: string): number {\n    const found = splitWords(text);\n    if (found.length === 0) throw new RangeError("no words in " + JSON.stringify(text));\n' +
      '    for (const word of found) this.seen.add(word);\n    this.total += found.length;\n    return this.total;\n  }\n' +
      '  words(): string[] {\n    return [...this.seen];\n  }\n  async flush(): Promise<number> {\n    return this.total;\n  }\n}', ['words.split']);
    const built = project([splitWords, tally]);
    expect(built.files['test/word-tally.test.ts']).toContain(
      'test("WordTally sequence #1", () => {\n  const subject = new WordTally(0);\n  assertEquivalent(subject.add("a b a"), 3);\n  assertEquivalent(subject.total, 3);\n' +
      '  subject.total = 10;\n  assertEquivalent(subject.add("c"), 11);\n  assertCompared(subject.words(), ["c", "b", "a"], \'set\');\n});',
    );
    expect(built.files['test/word-tally.test.ts']).toContain('test("WordTally sequence #2: async flush", async () => {\n  const subject = new WordTally(1);\n  assertEquivalent(await subject.flush(), 1);\n');
    const verdict = await verifyProject({ ...built, sandbox, typeChecker });
    expect(verdict.typeErrors).toEqual([]);
    expect(verdict.tests.filter((t) => t.file === 'test/word-tally.test.ts').map((t) => [t.name, t.passed])).toEqual([
      ['WordTally sequence #1', true], ['WordTally sequence #2: async flush', true],
    ]);
    const wrong = { ...tally, code: tally.code.replace('this.total += found.length', 'this.total += 1') };
    const failed = await verifyProject({ ...project([splitWords, wrong]), sandbox, typeChecker });
    expect(failed.tests.find((t) => t.name === 'WordTally sequence #1')).toMatchObject({ passed: false });
    expect(failed.failingNodeIds).toEqual(['words.tally']);
  });

  it('a wrong value fails that piece\'s test and names exactly that node', async () => {
    const wrong = { ...longestWord, code: longestWord.code.replace('word.length > best.length', 'word.length >= best.length') };
    const verdict = await verifyProject({ ...project([splitWords, countWords, wrong]), sandbox, typeChecker });
    expect(verdict.passed).toBe(false);
    expect(verdict.typeErrors).toEqual([]);
    expect(verdict.tests.filter((t) => !t.passed)).toEqual([
      expect.objectContaining({ file: 'test/longest-word.test.ts', name: 'longestWord #1', message: expect.stringContaining("'ddd'") }),
    ]);
    expect(verdict.failingNodeIds).toEqual(['words.longest']);
  });

  it('a wrong dependency is blamed, not the pieces whose tests fail because of it', async () => {
    const wrong = { ...splitWords, code: splitWords.code.replace('/\\s+/', '/,/') };
    const verdict = await verifyProject({ ...project([wrong, countWords, longestWord]), sandbox, typeChecker });
    expect(verdict.affectedNodeIds).toEqual(['words.count', 'words.longest', 'words.split']);
    expect(verdict.failingNodeIds).toEqual(['words.split']);
  });

  it('a type error in a dependency is traced to it', async () => {
    const broken = { ...splitWords, code: 'function splitWords(text: string): string[] {\n  return text.length;\n}' };
    const verdict = await verifyProject({ ...project([broken, countWords, longestWord]), sandbox, typeChecker });
    expect(verdict.passed).toBe(false);
    expect(verdict.typeErrors).toEqual([
      expect.objectContaining({ file: 'src/split-words.ts', line: 3, message: "Type 'number' is not assignable to type 'string[]'." }),
    ]);
    expect(verdict.failingNodeIds).toEqual(['words.split']);
  });

  it('a type error only the project shows (a helper clashing with an import) is traced to its module', async () => {
    const clash = { ...countWords, code: `${countWords.code}\n\nconst splitWords = 1;` };
    const verdict = await verifyProject({ ...project([splitWords, clash, longestWord]), sandbox, typeChecker });
    expect(verdict.typeErrors.map((e) => e.file)).toContain('src/count-words.ts');
    expect(verdict.failingNodeIds).toEqual(['words.count']);
  });

  it('an endless loop ends at the wall clock; the tests before it keep their results', async () => {
    const loop = { ...longestWord, code: 'function longestWord(text: string): string {\n  for (;;) { if (text === "never") break; }\n  return "";\n}' };
    const verdict = await verifyProject({ ...project([splitWords, countWords, loop]), sandbox, typeChecker, testWallTimeMs: 3000 });
    expect(verdict.passed).toBe(false);
    expect(verdict.tests.filter((t) => t.passed).map((t) => t.file)).toEqual(['test/count-words.test.ts', 'test/count-words.test.ts']);
    expect(verdict.tests).toContainEqual(expect.objectContaining({ file: 'test/longest-word.test.ts', name: 'longestWord #1', passed: false, message: expect.stringContaining('wall-clock') }));
    expect(verdict.tests).toContainEqual(expect.objectContaining({ file: 'test/split-words.test.ts', name: '(incomplete)', passed: false }));
    expect(verdict.failingNodeIds).toEqual(['words.longest']);
  });

  it('runs before hooks ahead of a file\'s tests and after hooks behind them; a failing hook fails, never passes, its file', async () => {
    const files = {
      'test/hooks.test.ts': "import { after, before, test } from 'node:test';\nimport assert from 'node:assert/strict';\nconst seen: string[] = [];\ntest('first', () => { seen.push('test'); assert.deepEqual(seen, ['before', 'test']); });\nbefore(async () => { seen.push('before'); });\nafter(() => { throw new Error('cleanup failed'); });\n",
      'test/broken-hook.test.ts': "import { before, test } from 'node:test';\nbefore(() => { throw new TypeError('no server'); });\ntest('needs the server', () => undefined);\n",
    };
    const run = await runProjectTests({ files, testFiles: [{ path: 'test/hooks.test.ts', timeoutMs: 1000 }, { path: 'test/broken-hook.test.ts', timeoutMs: 1000 }], sandbox, wallTimeMs: 20_000 });
    expect(run.completed).toBe(true);
    expect(run.tests).toEqual([
      { file: 'test/hooks.test.ts', name: 'first', passed: true },
      { file: 'test/hooks.test.ts', name: '(after)', passed: false, message: 'cleanup failed' },
      { file: 'test/broken-hook.test.ts', name: 'needs the server', passed: false, message: 'a before hook failed: TypeError: no server' },
    ]);
  });

  it('checks without @types/node through the bundled node:test declarations', async () => {
    const fallback = new ProjectTypeChecker({ nodeTypesFolder: null });
    expect(fallback.usesNodeTypes).toBe(false);
    expect(fallback.check(project(words).files).errors).toEqual([]);
    const bad = { ...project(words).files, 'test/extra.test.ts': "import { test } from 'node:test';\ntest(1, 2);\n" };
    expect(fallback.check(bad).errors).toEqual([expect.objectContaining({ file: 'test/extra.test.ts', line: 2 })]);
  });
});

describe('parseTestEvents', () => {
  const nonce = '@@n@@';
  const base: SandboxRunResult = { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, outputTruncated: false, durationMs: 5 };
  const line = (event: object) => `${nonce}${JSON.stringify(event)}`;

  it('ignores unmarked and forged-looking lines and reports load errors', () => {
    const stdout = [
      line({ event: 'file-start', file: 'test/a.test.ts' }),
      'ok 1 - not ours',
      `@@other@@${JSON.stringify({ event: 'test-end', file: 'test/a.test.ts', name: 'x', passed: true })}`,
      line({ event: 'file-error', file: 'test/a.test.ts', message: 'SyntaxError: nope' }),
      line({ event: 'file-end', file: 'test/a.test.ts' }),
      line({ event: 'done' }),
    ].join('\n');
    expect(parseTestEvents({ ...base, stdout }, nonce, ['test/a.test.ts'])).toEqual({
      completed: true,
      tests: [{ file: 'test/a.test.ts', name: '(load)', passed: false, message: 'SyntaxError: nope' }],
    });
  });

  it('a crash fails the running test and every unfinished file, with the stderr tail', () => {
    const stdout = [line({ event: 'file-start', file: 'test/a.test.ts' }), line({ event: 'test-start', file: 'test/a.test.ts', name: 't' })].join('\n');
    const parsed = parseTestEvents({ ...base, stdout, exitCode: 1, stderr: 'RangeError: boom' }, nonce, ['test/a.test.ts', 'test/b.test.ts']);
    expect(parsed.completed).toBe(false);
    expect(parsed.tests).toEqual([
      { file: 'test/a.test.ts', name: 't', passed: false, message: 'did not finish: the sandboxed process ended with exit code 1: RangeError: boom' },
      expect.objectContaining({ file: 'test/a.test.ts', name: '(incomplete)' }),
      expect.objectContaining({ file: 'test/b.test.ts', name: '(incomplete)' }),
    ]);
  });
});

describe('attributeFailures', () => {
  const modules = planModules(words);

  it('maps src and test files to nodes and keeps only root causes', () => {
    expect(attributeFailures(modules, [{ file: 'test/count-words.test.ts' }, { file: 'src/longest-word.ts' }])).toEqual({
      affectedNodeIds: ['words.count', 'words.longest'],
      failingNodeIds: ['words.count', 'words.longest'],
    });
    expect(attributeFailures(modules, [{ file: 'test/count-words.test.ts' }, { file: 'src/split-words.ts' }]).failingNodeIds).toEqual(['words.split']);
    expect(attributeFailures(modules, [{ file: 'src/index.ts' }, { file: '' }])).toEqual({ affectedNodeIds: [], failingNodeIds: [] });
  });

  it('blames every affected member of a dependency cycle', () => {
    const a = { ...countWords, dependencies: ['words.longest'] };
    const b = { ...longestWord, dependencies: ['words.count'] };
    const cyclic = planModules([a, b]);
    expect(attributeFailures(cyclic, [{ file: 'src/count-words.ts' }, { file: 'src/longest-word.ts' }]).failingNodeIds).toEqual(['words.count', 'words.longest']);
  });
});
