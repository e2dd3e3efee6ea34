import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../../sandbox/create-sandbox.js';
import type { Sandbox } from '../../../sandbox/sandbox.js';
import { TaskSpecSchema, type TaskSpecInput } from '../../../task-spec/task-spec.js';
import { parseTypeRef } from '../../../task-spec/type-ref.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { ModuleNameClashError } from './module-name-clash-error.js';
import { planModules } from './project-layout.js';
import { projectFiles } from './project-files.js';
import { pythonTopLevelNames } from './python-project.js';
import { renderPythonLiteral } from './python-literal.js';
import { verifyProject } from './verify-project.js';
import { runPytestOn, systemPythonHasPytest } from '../../../../test/helpers/system-pytest.js';

function piece(nodeId: string, spec: Omit<TaskSpecInput, 'id' | 'language'>, code: string, dependencies: string[] = []): IntegratedPiece {
  return { nodeId, spec: TaskSpecSchema.parse({ id: nodeId, language: 'python', ...spec }), code, dependencies, source: 'consensus' };
}

/** One real sandbox for every verification of this file. */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const text = [{ name: 'text', type: 'str' }];
const splitWords = piece('split-words', {
  name: 'Split words',
  description: 'The lowercased runs of letters and digits.',
  signature: { entryPoint: 'split_words', inputs: text, output: { type: 'List[str]' } },
  testCases: [{ inputs: ['Hello, world!'], expected: ['hello', 'world'] }, { inputs: [''], expected: [] }],
}, "from typing import *\nimport re\n\n\ndef split_words(text: str) -> List[str]:\n    return re.findall(r'[a-z0-9]+', text.lower())\n");
const meanLength = piece('mean-length', {
  name: 'Mean length',
  description: 'The mean word length, 0.0 for no words.',
  signature: { entryPoint: 'mean_length', inputs: text, output: { type: 'float' } },
  testCases: [{ inputs: ['a bb'], expected: 1.5 }, { inputs: ['ab abcd'], expected: 3 }, { inputs: [''], expected: 0 }],
}, 'from __future__ import annotations\n\n\ndef mean_length(text: str) -> float:\n    words = split_words(text)\n    return sum(len(w) for w in words) / len(words) if words else 0.0\n', ['split-words']);
const firstLast = piece('first-last', {
  name: 'First and last',
  description: 'The first and last elements; ValueError for an empty list.',
  signature: { entryPoint: 'first_last', inputs: [{ name: 'xs', type: 'List[int]' }], output: { type: 'Tuple[int, int]' } },
  testCases: [{ inputs: [[1, 2, 3]], expected: [1, 3] }, { inputs: [[]], throws: { type: 'ValueError', message: '^empty' } }],
}, 'from typing import List, Tuple\n\n\ndef first_last(xs: List[int]) -> Tuple[int, int]:\n    if not xs:\n        raise ValueError("empty list")\n    return (xs[0], xs[-1])\n');
const distinct = piece('distinct', {
  name: 'Distinct',
  description: 'The distinct words.',
  signature: { entryPoint: 'distinct', inputs: text, output: { type: 'Set[str]', compare: 'set' } },
  testCases: [{ inputs: ['b a b'], expected: ['a', 'b'] }],
}, 'from typing import Set\n\n\ndef distinct(text: str) -> Set[str]:\n    return set(split_words(text))\n', ['split-words']);
const pieces = [splitWords, meanLength, firstLast, distinct];

describe('Python literals by declared type', () => {
  const py = (value: unknown, type: string): string => renderPythonLiteral(value, parseTypeRef('python', type));
  it('writes each value as the type the verified piece received', () => {
    expect(py([1, 2], 'Tuple[int, int]')).toBe('(1, 2)');
    expect(py([1], 'Tuple[int, ...]')).toBe('(1,)');
    expect(py([], 'Set[int]')).toBe('set()');
    expect(py(['a'], 'FrozenSet[str]')).toBe('frozenset({"a"})');
    expect(py({ 1: 'a', 2: 'b' }, 'Dict[int, str]')).toBe('{1: "a", 2: "b"}');
    expect(py({ 'x"y': null }, 'Dict[str, Optional[int]]')).toBe('{"x\\"y": None}');
    expect(py('a"\\\u00ff', 'bytes')).toBe('b"a\\"\\\\\\xc3\\xbf"');
    expect(py(2.5, 'float')).toBe('2.5');
    expect(py([true, false], 'List[bool]')).toBe('[True, False]');
    expect(py('line\nbreak', 'str')).toBe('"line\\nbreak"');
  });
  it('writes what JSON cannot hold', () => {
    expect(renderPythonLiteral(Number.NaN, undefined)).toBe('float("nan")');
    expect(renderPythonLiteral(-Infinity, undefined)).toBe('float("-inf")');
    expect(renderPythonLiteral(-0, undefined)).toBe('-0.0');
    expect(renderPythonLiteral(12345678901234567890n, undefined)).toBe('12345678901234567890');
  });
});

describe('pythonTopLevelNames', () => {
  it('finds definitions, assignments and imported names at column 0 only', () => {
    const names = pythonTopLevelNames('import os.path as p\nfrom x import (a, b as c)\nLIMIT: int = 3\nclass K:\n    inner = 1\nasync def go(): pass\nx == 1\n');
    expect([...names].sort()).toEqual(['K', 'LIMIT', 'a', 'c', 'go', 'p']);
  });
});

describe('Python project layout', () => {
  it('places a package named after the project, snake_case modules and pytest files', () => {
    const modules = planModules(pieces, { name: 'text-stats' });
    expect(modules.map((m) => [m.sourcePath, m.testPath])).toEqual([
      ['src/text_stats/distinct.py', 'tests/test_distinct.py'],
      ['src/text_stats/first_last.py', 'tests/test_first_last.py'],
      ['src/text_stats/mean_length.py', 'tests/test_mean_length.py'],
      ['src/text_stats/split_words.py', 'tests/test_split_words.py'],
    ]);
  });
  it('refuses a project mixing languages, a name no package can have, and a module named by a keyword', () => {
    const typescript: IntegratedPiece = { ...splitWords, nodeId: 'ts', spec: { ...splitWords.spec, language: 'typescript', signature: { ...splitWords.spec.signature, entryPoint: 'other' } } };
    expect(() => planModules([splitWords, typescript], { name: 'p' })).toThrow(/a project is written in one language/);
    expect(() => planModules([splitWords], { name: 'class' })).toThrow(/a Python package can be named after/);
    const keyword: IntegratedPiece = { ...splitWords, spec: { ...splitWords.spec, signature: { ...splitWords.spec.signature, entryPoint: 'Lambda' } } };
    expect(() => planModules([keyword], { name: 'p' })).toThrow(ModuleNameClashError);
  });
});

describe('Python project files', () => {
  const files = projectFiles({ name: 'text-stats', requirements: 'Text statistics.', pieces });

  it('renders the package, its tests and a pyproject.toml that pytest and pyright read', () => {
    expect(Object.keys(files)).toEqual([
      '.gitignore', 'README.md', 'pyproject.toml', 'src/text_stats/__init__.py', 'src/text_stats/distinct.py', 'src/text_stats/first_last.py',
      'src/text_stats/mean_length.py', 'src/text_stats/split_words.py', 'tests/test_distinct.py', 'tests/test_first_last.py',
      'tests/test_mean_length.py', 'tests/test_split_words.py',
    ]);
    expect(files['pyproject.toml']).toContain('pythonpath = ["src"]');
    expect(files['pyproject.toml']).toContain('[tool.pyright]');
    expect(files['src/text_stats/__init__.py']).toContain('from .split_words import split_words\n');
    expect(files['src/text_stats/__init__.py']).toContain('__all__ = ["distinct", "first_last", "mean_length", "split_words"]');
    expect(files['README.md']).toContain('python3 -m pytest');
  });

  it('puts __future__ imports first, imports dependencies relatively and narrows the typing star import', () => {
    expect(files['src/text_stats/mean_length.py']).toBe(
      '# Mean length (zerr node mean-length, consensus).\nfrom __future__ import annotations\n\nfrom .split_words import split_words\n\n\n' +
      'def mean_length(text: str) -> float:\n    words = split_words(text)\n    return sum(len(w) for w in words) / len(words) if words else 0.0\n',
    );
    expect(files['src/text_stats/split_words.py']).toContain('from typing import List\nimport re\n\n\ndef split_words');
  });

  it('writes assertions as the verifier compares: == where exact, tolerant helpers, comparators and raised exceptions', () => {
    expect(files['tests/test_split_words.py']).toContain('def test_split_words_1():\n    assert split_words("Hello, world!") == ["hello", "world"]\n');
    expect(files['tests/test_split_words.py']).not.toContain('_equivalent');
    expect(files['tests/test_mean_length.py']).toContain('_assert_equivalent(mean_length("ab abcd"), 3)');
    expect(files['tests/test_first_last.py']).toContain('_assert_equivalent(first_last([1, 2, 3]), (1, 3))');
    expect(files['tests/test_first_last.py']).toContain('_assert_raises(lambda: first_last([]), "ValueError", "^empty")');
    expect(files['tests/test_distinct.py']).toContain('_assert_compared(distinct("b a b"), {"a", "b"}, "set")');
  });

  describe('in the sandbox and with pyright', () => {
    it('passes: pyright finds no error and every test passes through the package imports', async () => {
      const verdict = await verifyProject({ files, pieces, name: 'text-stats', sandbox });
      expect(verdict.typeErrors).toEqual([]);
      expect(verdict.tests.map((t) => [t.file, t.name, t.passed])).toEqual([
        ['tests/test_distinct.py', 'test_distinct_1', true],
        ['tests/test_first_last.py', 'test_first_last_1', true],
        ['tests/test_first_last.py', 'test_first_last_2', true],
        ['tests/test_mean_length.py', 'test_mean_length_1', true],
        ['tests/test_mean_length.py', 'test_mean_length_2', true],
        ['tests/test_mean_length.py', 'test_mean_length_3', true],
        ['tests/test_split_words.py', 'test_split_words_1', true],
        ['tests/test_split_words.py', 'test_split_words_2', true],
        ['src/text_stats/__init__.py', '(package import)', true],
      ]);
      expect(verdict.passed).toBe(true);
    }, 60_000);

    it('blames the dependency whose module breaks its dependents, not the dependents', async () => {
      const broken = { ...files, 'src/text_stats/split_words.py': files['src/text_stats/split_words.py']?.replace('text.lower()', 'text') ?? '' };
      const verdict = await verifyProject({ files: broken, pieces, name: 'text-stats', sandbox });
      expect(verdict.passed).toBe(false);
      expect(verdict.tests.find((t) => t.name === 'test_split_words_1')).toMatchObject({ passed: false, message: expect.stringContaining('ello') as unknown });
      expect(verdict.failingNodeIds).toEqual(['split-words']);
    }, 60_000);

    it('reports pyright errors in the file they are in and a module that does not import as a load failure', async () => {
      const edited = {
        ...files,
        'src/text_stats/first_last.py': files['src/text_stats/first_last.py']?.replace('return (xs[0], xs[-1])', 'return (xs[0], str(xs[-1]))') ?? '',
        'src/text_stats/distinct.py': 'from .nowhere import split_words\n\n\ndef distinct(text: str) -> set[str]:\n    return set(split_words(text))\n',
      };
      const verdict = await verifyProject({ files: edited, pieces, name: 'text-stats', sandbox });
      expect(verdict.typeErrors.map((e) => e.file)).toEqual(expect.arrayContaining(['src/text_stats/distinct.py', 'src/text_stats/first_last.py']));
      expect(verdict.tests.find((t) => t.file === 'tests/test_distinct.py')).toMatchObject({ name: '(load)', passed: false });
      // Pieces that do not import the broken module still load and pass (first_last's str fails its own test): only
      // the package's own __init__.py fails with it.
      expect(verdict.tests.filter((t) => !t.passed).map((t) => [t.file, t.name])).toEqual([
        ['tests/test_distinct.py', '(load)'], ['tests/test_first_last.py', 'test_first_last_1'], ['src/text_stats/__init__.py', '(package import)'],
      ]);
      expect(verdict.failingNodeIds).toEqual(['distinct', 'first-last']);
    }, 60_000);

    // scripts/setup.sh installs Debian's python3-pytest; the sandboxed verdict above does not need it.
    it.skipIf(!systemPythonHasPytest())('the same files pass pytest in a folder of their own', () => {
      expect(runPytestOn(files)).toMatch(/\b8 passed/);
    }, 60_000);
  });
});

describe('a Python class piece', () => {
  const wordTally = piece('word-tally', {
    taskType: 'class',
    name: 'Word tally',
    description: 'Counts the words added so far.',
    signature: { entryPoint: 'WordTally', inputs: [], output: { type: 'WordTally' } },
    methods: [
      { name: 'add', inputs: [{ name: 'text', type: 'str' }], output: { type: 'int' } },
      { name: 'count', inputs: [{ name: 'word', type: 'str' }], output: { type: 'int' } },
      { name: 'words', inputs: [], output: { type: 'Set[str]' } },
    ],
    fields: [{ name: 'total', type: 'int' }],
    sequences: [
      { construct: [], steps: [{ call: 'add', args: ['a b A'], expected: 3 }, { call: 'count', args: ['a'], expected: 2 }, { field: 'total', expected: 3 }, { set: 'total', value: 10 }, { call: 'add', args: ['z'], expected: 11 }] },
      { construct: [], description: 'no words yet', steps: [{ call: 'words', expected: [] }, { call: 'count', args: [''], throws: { type: 'ValueError' } }] },
    ],
  }, 'from typing import Dict, Set\n\n\nclass WordTally:\n    def __init__(self) -> None:\n        self.counts: Dict[str, int] = {}\n        self.total = 0\n\n' +
    '    def add(self, text: str) -> int:\n        for word in split_words(text):\n            self.counts[word] = self.counts.get(word, 0) + 1\n            self.total += 1\n        return self.total\n\n' +
    '    def count(self, word: str) -> int:\n        if not word:\n            raise ValueError("empty word")\n        return self.counts.get(word, 0)\n\n' +
    '    def words(self) -> Set[str]:\n        return set(self.counts)\n', ['split-words']);
  const files = projectFiles({ name: 'tally', requirements: 'A word tally.', pieces: [splitWords, wordTally] });

  it('gets one pytest function per call sequence, each step checked with its method\'s or field\'s type', () => {
    expect(files['tests/test_word_tally.py']).toContain(
      'def test_WordTally_sequence_1():\n    subject = WordTally()\n    assert subject.add("a b A") == 3\n    assert subject.count("a") == 2\n' +
      '    assert subject.total == 3\n    subject.total = 10\n    assert subject.add("z") == 11\n',
    );
    expect(files['tests/test_word_tally.py']).toContain('    """no words yet"""\n    subject = WordTally()\n    _assert_equivalent(subject.words(), set())\n');
    expect(files['tests/test_word_tally.py']).toContain('_assert_raises(lambda: subject.count(""), "ValueError", None)');
    expect(files['src/tally/word_tally.py']).toContain('from .split_words import split_words\n\n\nclass WordTally:');
  });

  describe('in the sandbox and with pyright', () => {
    it('passes through the sequence driver on the class imported from the package, and fails a wrong step', async () => {
      const verdict = await verifyProject({ files, pieces: [splitWords, wordTally], name: 'tally', sandbox });
      expect(verdict.typeErrors).toEqual([]);
      expect(verdict.tests.filter((t) => t.file === 'tests/test_word_tally.py').map((t) => [t.name, t.passed])).toEqual([
        ['test_WordTally_sequence_1', true], ['test_WordTally_sequence_2', true],
      ]);
      expect(verdict.passed).toBe(true);
      const broken = { ...files, 'src/tally/word_tally.py': files['src/tally/word_tally.py']?.replace('self.total += 1', 'self.total += 2') ?? '' };
      const failed = await verifyProject({ files: broken, pieces: [splitWords, wordTally], name: 'tally', sandbox });
      expect(failed.tests.find((t) => t.name === 'test_WordTally_sequence_1')).toMatchObject({ passed: false, message: expect.stringContaining('sequence 1, step 1: add("a b A") returned 6, expected 3') as unknown });
      expect(failed.failingNodeIds).toEqual(['word-tally']);
    }, 60_000);

    it.skipIf(!systemPythonHasPytest())('the class\'s pytest file passes in a folder of its own', () => {
      expect(runPytestOn(files)).toMatch(/\b4 passed/);
    }, 60_000);
  });
});

describe('a Python service', () => {
  const anyDict = 'Dict[str, Any]';
  const handler = (nodeId: string, entryPoint: string, code: string, testCases: TaskSpecInput['testCases']): IntegratedPiece => piece(nodeId, {
    name: nodeId, description: nodeId,
    signature: { entryPoint, inputs: [{ name: 'state', type: anyDict }, { name: 'request', type: anyDict }], output: { type: anyDict } },
    testCases,
  }, `from typing import Any, Dict\n\n\n${code}`);
  const addItem = handler('add-item', 'add_item',
    'def add_item(state: Dict[str, Any], request: Dict[str, Any]) -> Dict[str, Any]:\n    items = state["items"] + [request["body"]["name"]]\n    return {"status": 201, "body": len(items), "state": {"items": items}}\n',
    [{ inputs: [{ items: [] }, { params: {}, query: {}, body: { name: 'a' } }], expected: { status: 201, body: 1, state: { items: ['a'] } } }]);
  const getItem = handler('get-item', 'get_item',
    'def get_item(state: Dict[str, Any], request: Dict[str, Any]) -> Dict[str, Any]:\n    index = int(request["params"]["index"])\n    if 0 <= index < len(state["items"]):\n        return {"status": 200, "body": state["items"][index]}\n    return {"status": 404, "body": None}\n',
    [{ inputs: [{ items: ['a'] }, { params: { index: '0' }, query: {}, body: null }], expected: { status: 200, body: 'a' } }]);
  const service = {
    initialState: { items: [] },
    routes: [{ method: 'POST' as const, path: '/items', handler: 'add-item' }, { method: 'GET' as const, path: '/items/{index}', handler: 'get-item' }],
    scenario: [
      { method: 'POST' as const, path: '/items', body: { name: 'pen' }, status: 201, response: 1 },
      { method: 'GET' as const, path: '/items/0', status: 200, response: 'pen' },
      { method: 'GET' as const, path: '/items/5', status: 404 },
      { method: 'DELETE' as const, path: '/items/0', status: 405 },
      { method: 'GET' as const, path: '/nothing', status: 404, response: { error: 'not found' } },
    ],
  };
  const pieces = [addItem, getItem];
  const files = projectFiles({ name: 'shelf', requirements: 'A shelf service.', pieces, service });

  it('runs the scenario against the server in the sandbox, one result per request', async () => {
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['src/shelf/server.py', 'tests/test_service.py']));
    const verdict = await verifyProject({ files, pieces, name: 'shelf', service, sandbox });
    expect(verdict.typeErrors).toEqual([]);
    expect(verdict.tests.filter((t) => t.file === 'tests/test_service.py').map((t) => [t.name, t.passed])).toEqual([
      ['service #1: POST /items', true], ['service #2: GET /items/0', true], ['service #3: GET /items/5', true],
      ['service #4: DELETE /items/0', true], ['service #5: GET /nothing', true],
    ]);
    expect(verdict.passed).toBe(true);
  }, 60_000);

  it('blames the handler of the first request the scenario fails on', async () => {
    const broken = { ...files, 'src/shelf/add_item.py': files['src/shelf/add_item.py']?.replace('"status": 201', '"status": 200') ?? '' };
    const verdict = await verifyProject({ files: broken, pieces, name: 'shelf', service, sandbox });
    expect(verdict.tests.find((t) => t.name === 'service #1: POST /items')).toMatchObject({ passed: false, message: 'answered 200 1, expected 201', nodeId: 'add-item' });
    expect(verdict.failingNodeIds).toEqual(['add-item']);
  }, 60_000);

  it('a handler that never answers times out its request, is blamed, and the scenario still ends', async () => {
    const looping = { ...files, 'src/shelf/get_item.py': files['src/shelf/get_item.py']?.replace('    index = int(request["params"]["index"])\n', '    while state:\n        pass\n    index = int(request["params"]["index"])\n') ?? '' };
    const verdict = await verifyProject({ files: looping, pieces, name: 'shelf', service: { ...service, scenario: service.scenario.slice(0, 2) }, sandbox });
    expect(verdict.tests.filter((t) => t.file === 'tests/test_service.py')).toEqual([
      { file: 'tests/test_service.py', name: 'service #1: POST /items', passed: true },
      { file: 'tests/test_service.py', name: 'service #2: GET /items/0', passed: false, message: 'got no answer within 3000 ms', nodeId: 'get-item' },
    ]);
    expect(verdict.failingNodeIds).toEqual(['get-item']);
  }, 60_000);

  it('a piece may not take the server\'s module', () => {
    const server = { ...getItem, spec: { ...getItem.spec, signature: { ...getItem.spec.signature, entryPoint: 'server' } } };
    expect(() => projectFiles({ name: 'shelf', requirements: 'x', pieces: [addItem, server], service })).toThrow(ModuleNameClashError);
  });
});
