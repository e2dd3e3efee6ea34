import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

function systemPythonHasPytest(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function piece(nodeId: string, spec: Omit<TaskSpecInput, 'id' | 'language'>, code: string, dependencies: string[] = []): IntegratedPiece {
  return { nodeId, spec: TaskSpecSchema.parse({ id: nodeId, language: 'python', ...spec }), code, dependencies, source: 'consensus' };
}

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
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await createSandbox();
    });
    afterAll(async () => {
      await sandbox.close();
    });

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
      const folder = mkdtempSync(join(tmpdir(), 'zerr-pyproject-'));
      try {
        for (const [path, content] of Object.entries(files)) {
          mkdirSync(dirname(join(folder, path)), { recursive: true });
          writeFileSync(join(folder, path), content);
        }
        const out = execFileSync('/usr/bin/python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: folder, encoding: 'utf8' });
        expect(out).toMatch(/\b8 passed/);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
