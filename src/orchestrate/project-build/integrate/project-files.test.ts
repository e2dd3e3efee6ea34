import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskSpecSchema, type TaskSpecInput } from '../../../task-spec/task-spec.js';
import type { IntegratedPiece } from './integrated-piece.js';
import { kebabCase } from './project-layout.js';
import { projectFiles } from './project-files.js';
import { renderLiteral } from './render-literal.js';

function piece(nodeId: string, spec: Omit<TaskSpecInput, 'id' | 'language'>, code: string, dependencies: string[] = [], source: IntegratedPiece['source'] = 'consensus'): IntegratedPiece {
  return { nodeId, spec: TaskSpecSchema.parse({ id: nodeId, language: 'typescript', ...spec }), code, dependencies, source };
}

const sum = piece(
  'stats.sum',
  {
    name: 'Sum',
    description: 'Sum of the numbers | all of them.',
    signature: { entryPoint: 'sum', inputs: [{ name: 'xs', type: 'number[]' }], output: { type: 'number' } },
    testCases: [{ inputs: [[1, 2, 3]], expected: 6 }, { inputs: [[]], expected: 0, description: 'empty\nlist' }],
  },
  'function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}',
);
const mean = piece(
  'stats.mean',
  {
    name: 'Mean',
    description: 'Arithmetic mean.',
    signature: { entryPoint: 'mean', inputs: [{ name: 'xs', type: 'number[]' }], output: { type: 'number' } },
    testCases: [{ inputs: [[1, 2]], expected: 1.5 }, { inputs: [[]], expectThrows: true }],
  },
  'function mean(xs: number[]): number {\n  if (xs.length === 0) throw new RangeError("empty");\n  return sum(xs) / xs.length;\n}',
  ['stats.sum'],
  'best-partial',
);
const label = piece(
  'stats.label',
  {
    name: 'Label',
    description: 'Labels the mean.',
    signature: { entryPoint: 'labelMean', inputs: [{ name: 'xs', type: 'number[]' }, { name: 'unit', type: 'string' }], output: { type: 'string' } },
    testCases: [{ inputs: [[2, 4], 'kg'], expected: 'mean 3 kg' }, { inputs: [[1], 'm'] }],
  },
  'function labelMean(xs: number[], unit: string): string {\n  return `${format(mean(xs))} ${unit}`;\n}\n\nfunction format(n: number): string {\n  return `mean ${n}`;\n}',
  ['stats.mean'],
  'person',
);
const pieces = [sum, mean, label];
const options = { name: 'stats', requirements: 'Basic statistics over number lists.\n', pieces };

describe('projectFiles', () => {
  it('lays out modules, tests, the index and the project files', () => {
    const files = projectFiles(options);
    expect(Object.keys(files)).toEqual([
      '.gitignore', 'README.md', 'package.json', 'src/index.ts', 'src/label-mean.ts', 'src/mean.ts', 'src/sum.ts',
      'test/label-mean.test.ts', 'test/mean.test.ts', 'test/sum.test.ts', 'tsconfig.json',
    ]);
    expect(files['src/label-mean.ts']).toBe(
      "// Label (zerr node stats.label, person).\nimport { mean } from './mean.js';\n\n" +
        `${label.code}\n\nexport { labelMean };\n`,
    );
    expect(files['src/sum.ts']).toBe(`// Sum (zerr node stats.sum, consensus).\n${sum.code}\n\nexport { sum };\n`);
    expect(files['src/index.ts']).toBe(
      "// Public entry of stats: every verified function.\nexport { labelMean } from './label-mean.js';\nexport { mean } from './mean.js';\nexport { sum } from './sum.js';\n",
    );
    const pkg = JSON.parse(files['package.json'] ?? '') as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'stats', type: 'module', scripts: { build: 'tsc', test: 'tsc && node --test dist/test/' } });
    expect(pkg['devDependencies']).toHaveProperty('typescript');
    const tsconfig = JSON.parse(files['tsconfig.json'] ?? '') as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist', rootDir: '.' });
    expect(files['.gitignore']?.split('\n')).toEqual(expect.arrayContaining(['node_modules/', 'dist/', '.zerr/']));
  });

  it('writes one node:test per test case, strict for strings and as the verifier compares numbers', () => {
    const files = projectFiles(options);
    const mean = files['test/mean.test.ts'] ?? '';
    expect(mean).toContain("import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { mean } from '../src/mean.js';\n");
    expect(mean).toContain('test("mean #1", () => {\n  assertEquivalent(mean([1, 2]), 1.5);\n});');
    expect(mean).toContain('test("mean #2", () => {\n  assert.throws(() => mean([]));\n});');
    expect(files['test/sum.test.ts']).toContain('test("sum #2: empty list", () => {');
    const label = files['test/label-mean.test.ts'] ?? '';
    expect(label).toContain('assert.deepStrictEqual(labelMean([2, 4], "kg"), "mean 3 kg");');
    expect(label).toContain('test("labelMean #2", () => {\n  labelMean([1], "m");\n});');
    expect(label).not.toContain('assertEquivalent');
  });

  it('renders comparators and expected exceptions as the verifier judges them, and the rendered checks run', async () => {
    const topK = piece(
      'stats.top',
      {
        name: 'Top', description: 'The k largest, in any order.',
        signature: { entryPoint: 'topK', inputs: [{ name: 'xs', type: 'number[]' }, { name: 'k', type: 'number' }], output: { type: 'number[]', compare: 'unordered' } },
        testCases: [
          { inputs: [[5, 1, 4], 2], expected: [4, 5] },
          { inputs: [[1, 1, 2], 2], expected: [1, 2], compare: 'set' },
          { inputs: [[1], -1], throws: { type: 'RangeError', message: '^k must' } },
        ],
      },
      'function topK(xs: number[], k: number): number[] {\n  if (k < 0) throw new RangeError("k must be >= 0");\n  return [...xs].sort((a, b) => a - b).slice(xs.length - k);\n}',
    );
    const file = projectFiles({ ...options, pieces: [topK] })['test/top-k.test.ts'] ?? '';
    expect(file).toContain("assertCompared(topK([5, 1, 4], 2), [4, 5], 'unordered');");
    expect(file).toContain("assertCompared(topK([1, 1, 2], 2), [1, 2], 'set');");
    expect(file).toContain(`assert.throws(() => topK([1], -1), { name: "RangeError", message: new RegExp("^k must", 'u') });`);
    // The rendered helpers, run: what the verifier accepts, they accept; what it refuses, they refuse.
    const { default: ts } = await import('typescript');
    const helpers = file.slice(file.indexOf('/** Equal as zerr'), file.indexOf('\ntest('));
    const js = ts.transpileModule(`${helpers}\nexport { compared };`, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const exports: { compared?: (a: unknown, b: unknown, compare: string) => boolean } = {};
    // Our own rendered helper source (trusted), not a candidate's.
    new Function('exports', 'assert', js)(exports, {});
    const compared = exports.compared ?? (() => false);
    expect(compared([5, 4], [4, 5], 'unordered')).toBe(true);
    expect(compared([4, 4], [4, 5], 'unordered')).toBe(false);
    expect(compared([2, 1, 1], [1, 2], 'set')).toBe(true);
    expect(compared([0.1 + 0.2], [0.3], 'unordered')).toBe(true);
    expect(compared({ id: 1, x: 2 }, { id: 1 }, 'partial')).toBe(true);
    expect(compared({ id: 2 }, { id: 1 }, 'partial')).toBe(false);
  });

  it('the README quotes the requirements and lists each module with its source', () => {
    const readme = projectFiles(options)['README.md'] ?? '';
    expect(readme).toContain('Basic statistics over number lists.');
    expect(readme).toContain('| `src/mean.ts` | `mean` | `stats.mean` | best-partial | Arithmetic mean. |');
    expect(readme).toContain('| `src/sum.ts` | `sum` | `stats.sum` | consensus | Sum of the numbers \\| all of them. |');
    expect(readme).toContain('| `src/label-mean.ts` | `labelMean` | `stats.label` | person |');
  });

  it('is byte-identical under any order of the pieces', () => {
    const reference = JSON.stringify(projectFiles(options));
    fc.assert(
      fc.property(fc.shuffledSubarray(pieces, { minLength: 3, maxLength: 3 }), (order) => {
        expect(JSON.stringify(projectFiles({ ...options, pieces: order }))).toBe(reference);
      }),
      { numRuns: 20 },
    );
  });

  it('does not import a dependency whose entry point the code declares itself', () => {
    const own = piece('stats.mean', mean.spec, `${sum.code}\n\n${mean.code}`, ['stats.sum']);
    expect(projectFiles({ ...options, pieces: [sum, own] })['src/mean.ts']).not.toContain('import');
  });

  it('rejects clashing module names, pieces of two languages and unknown dependencies with typed errors', () => {
    const clash = piece('other', { ...sum.spec, signature: { ...sum.spec.signature, entryPoint: 'labelMean' } }, 'function labelMean() {}');
    const other = piece('other2', { ...sum.spec, signature: { ...sum.spec.signature, entryPoint: 'label_mean' } }, 'function label_mean() {}');
    expect(() => projectFiles({ ...options, pieces: [clash, other] })).toThrow(expect.objectContaining({ code: 'module_name_clash', moduleName: 'label-mean', nodeIds: ['other', 'other2'] }));
    const index = piece('i', { ...sum.spec, signature: { ...sum.spec.signature, entryPoint: 'index' } }, 'function index() {}');
    expect(() => projectFiles({ ...options, pieces: [index] })).toThrow(expect.objectContaining({ code: 'module_name_clash' }));
    const python = { ...clash, spec: { ...clash.spec, language: 'python' as const } };
    expect(() => projectFiles({ ...options, pieces: [sum, python] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', parameter: 'options.pieces.1.spec.language', message: expect.stringContaining('a project is written in one language') }),
    );
    expect(() => projectFiles({ ...options, pieces: [mean] })).toThrow(expect.objectContaining({ code: 'invalid_argument', parameter: 'options.pieces.0.dependencies' }));
    expect(() => projectFiles({ ...options, name: 'Not Valid' })).toThrow(expect.objectContaining({ parameter: 'options.name' }));
  });
});

describe('kebabCase', () => {
  it.each([
    ['splitWords', 'split-words'],
    ['parseHTTPHeader', 'parse-http-header'],
    ['to_snake_case', 'to-snake-case'],
    ['sha256', 'sha256'],
    ['getV2Id', 'get-v2-id'],
    ['$', ''],
  ])('%s -> %s', (identifier, expected) => {
    expect(kebabCase(identifier)).toBe(expected);
  });
});

describe('renderLiteral', () => {
  it('writes JSON values and the special numbers as TypeScript literals', () => {
    expect(renderLiteral([1, -0, Number.NaN, -Infinity, 'a"b', null, true, { k: [2] }, {}, 10n, undefined])).toBe(
      '[1, -0, NaN, -Infinity, "a\\"b", null, true, { "k": [2] }, {}, 10n, undefined]',
    );
  });

  it('keeps a __proto__ key an own property', () => {
    const text = renderLiteral(JSON.parse('{"__proto__": 1}'));
    expect(text).toBe('{ ["__proto__"]: 1 }');
    expect(Object.keys(new Function(`return ${text}`)() as object)).toEqual(['__proto__']);
  });
});
