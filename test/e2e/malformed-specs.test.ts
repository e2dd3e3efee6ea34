/**
 * Specs are checked before the first sample (issue 13 #1). The malformed spec corpus, test/fixtures/malformed/specs:
 * every file names in its header comments (YAML) or its `.expect` sidecar (JSON) a category, the field path and a
 * fragment of the message, and must be refused with exactly that one issue - by the loader (`loadTaskSpec`: limits,
 * syntax, schema, names, types, test cases, expressions) or, for preconditions and invariants, by the sandboxed judge
 * (`checkSpecPreconditions`). The loader limits too large to keep as files are generated here. Every good spec the
 * repository holds (fixtures, the README and docs/spec.md examples, the HumanEval and MultiPL-E importers' specs)
 * still passes. The engine refuses a bad spec before recording or sampling anything, and the built CLI answers bad
 * specs with exit 3 and one line, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSpecPreconditions,
  createEngine,
  DATASET_FILES,
  listDatasetProblems,
  loadTaskSpec,
  MemoryRunStore,
  MockLanguageModel,
  parseSpecYaml,
  parseTaskSpec,
  preflightSpec,
  resolveDataDir,
  SandboxJudge,
  TaskSpecSchema,
  type SpecIssue,
  type TaskSpec,
} from '../../src/index.js';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { clampSpec, sumPositiveSpec } from '../fixtures/orchestrate/specs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = join(ROOT, 'test', 'fixtures', 'malformed', 'specs');
const BIN = join(ROOT, 'bin', 'zerr.js');

interface Expectation { readonly file: string; readonly category: string; readonly path: string; readonly message: string }

function expectations(): Expectation[] {
  return readdirSync(CORPUS).filter((name) => !name.endsWith('.expect')).sort().map((name) => {
    const file = join(CORPUS, name);
    const header = readFileSync(name.endsWith('.json') ? `${file}.expect` : file, 'utf8');
    const field = (key: string): string => {
      const value = new RegExp(`^(?:# )?${key}: (.*)$`, 'm').exec(header)?.[1];
      if (value === undefined) throw new Error(`${name}: no "${key}" in its header`);
      return value;
    };
    return { file, category: field('category'), path: field('expect-path'), message: field('expect-message') };
  });
}

const sandbox = new BwrapSandbox();
const judge = new SandboxJudge({ sandbox });
afterAll(() => sandbox.close());

/** The issues `file` is refused with: by the loader, else by the judge; `[]` when it passes both. */
async function issuesOf(file: string): Promise<{ readonly stage: 'load' | 'judge'; readonly issues: readonly SpecIssue[] }> {
  let spec: TaskSpec;
  try {
    spec = await loadTaskSpec(file);
  } catch (error) {
    const issues = (error as { issues?: SpecIssue[] }).issues;
    if (issues === undefined) throw error;
    return { stage: 'load', issues };
  }
  return { stage: 'judge', issues: await checkSpecPreconditions(spec, { judge, source: file }) };
}

const CASES = expectations();

describe('the malformed spec corpus', () => {
  it('holds at least 40 specs over every category', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.category))).toEqual(new Set([
      'file', 'schema', 'names', 'types', 'test cases', 'TypeScript expressions', 'Python expressions', 'preconditions (judge)',
    ]));
  });

  it.each(CASES.map((c) => [c.file.slice(CORPUS.length + 1), c] as const))('%s is refused with its one issue', async (_name, c) => {
    const { stage, issues } = await issuesOf(c.file);
    expect(stage).toBe(c.category === 'preconditions (judge)' ? 'judge' : 'load');
    expect(issues.map((issue) => issue.path)).toEqual([c.path]);
    const [issue] = issues;
    expect(issue?.message).toContain(c.message);
    // The line names the file, the field, the value found and what was expected.
    expect(issue?.message).toMatch(new RegExp(`^${c.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: ${c.path.replace(/[.()]/g, '\\$&')}: got .+, expected .+`));
  });
});

describe('loader limits', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'zerr-spec-limits-'));
    await writeFile(join(work, 'deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    await writeFile(join(work, 'deep.yaml'), `id: x\ntestCases: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    await writeFile(join(work, 'huge.yaml'), `id: x\ndescription: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    await mkdir(join(work, 'folder.yaml'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it.each([
    ['deep.json', 'invalid_spec', /deep\.json:1: \(root\): got a value nested more than 64 levels deep, expected a document nested at most 64 levels deep$/],
    ['deep.yaml', 'invalid_spec', /deep\.yaml:2: \(root\): got a value nested more than 64 levels deep/],
    ['huge.yaml', 'invalid_spec', /huge\.yaml: \(root\): got a file of 2097174 bytes, expected a spec file of at most 1048576 bytes \(1 MiB\)$/],
    ['missing.yaml', 'spec_not_found', /^Task spec file not found or not readable: .*missing\.yaml \(no such file\)$/],
    ['folder.yaml', 'spec_not_found', /^Task spec file not found or not readable: .*folder\.yaml \(is a directory, expected a YAML or JSON file\)$/],
  ] as const)('%s: %s with one clear line', async (name, code, message) => {
    const error = await loadTaskSpec(join(work, name)).then(() => undefined, (e: unknown) => e as { code?: string; message: string; issues?: SpecIssue[] });
    expect(error?.code).toBe(code);
    expect(error?.issues?.[0]?.message ?? error?.message).toMatch(message);
  });

  it('a 100,000-deep value given to parseTaskSpec (HTTP, MCP) is refused without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => parseTaskSpec({ id: 'x', testCases: deep }, 'body')).toThrow(/body: testCases(\.0)+: got a value nested more than 64 levels deep/);
  });
});

/** The YAML blocks of a Markdown file that are task specs (they have an `id:`). */
function markdownSpecs(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').filter((block) => /^id: /m.test(block)).map((block) => parseSpecYaml(block, path));
}

describe('good specs pass every check', () => {
  it('the fixtures, the README and docs/spec.md examples and the orchestration fixtures, preconditions run by the judge', async () => {
    const files = [
      ...readdirSync(join(ROOT, 'test', 'fixtures', 'specs')).map((name) => join(ROOT, 'test', 'fixtures', 'specs', name)),
      join(ROOT, 'test', 'fixtures', 'spec', 'valid.yaml'),
      join(ROOT, 'test', 'fixtures', 'spec', 'valid.json'),
    ];
    const specs: TaskSpec[] = [];
    for (const file of files) specs.push(await loadTaskSpec(file));
    const examples = [...markdownSpecs(join(ROOT, 'README.md')), ...markdownSpecs(join(ROOT, 'docs', 'spec.md'))];
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) specs.push(parseTaskSpec(example, 'example'));
    specs.push(clampSpec(), clampSpec({ preconditions: false }), sumPositiveSpec());
    expect(specs.filter((spec) => spec.preconditions.length + spec.postconditions.length + spec.properties.length > 0).length).toBeGreaterThanOrEqual(3);
    for (const spec of specs) await expect(preflightSpec(spec, { judge, source: spec.id })).resolves.toBeUndefined();
  });

  const dataDir = resolveDataDir();
  const hasData = Object.values(DATASET_FILES).every((file) => existsSync(join(dataDir, file)));
  it.skipIf(!hasData)('every HumanEval, CodeT, HumanEval-TS and MBPP-TS spec the importers produce (878 specs)', async () => {
    const { checkTaskSpec } = await import('../../src/task-spec/index.js');
    let count = 0;
    for (const [dataset, options] of [['humaneval', {}], ['codet', { visibleExamples: true }], ['humaneval-ts', {}], ['mbpp-ts', {}]] as const) {
      for (const problem of await listDatasetProblems(dataset, options)) {
        expect(await checkTaskSpec(problem.spec, `${dataset}:${problem.spec.id}`)).toEqual([]);
        count += 1;
      }
    }
    expect(count).toBe(164 + 164 + 159 + 391);
  });
});

describe('the engine refuses a bad spec before anything is recorded or sampled', () => {
  it('engine.run and engine.verify throw invalid_spec; the model is never called and no run is stored', async () => {
    const model = new MockLanguageModel({ responses: () => 'unused', capabilities: { completionStyle: 'chat', honoursTemperature: true } });
    const store = new MemoryRunStore();
    const engine = createEngine({ model, modelName: 'mock:test', store, sandbox: new BwrapSandbox() });
    try {
      const never = TaskSpecSchema.parse({ ...clampSpec(), preconditions: ['low > high + 1000'] });
      const refused = await engine.run([never], { k: 2, maxSamples: 2 }).then(() => undefined, (e: unknown) => e as { code?: string; issues?: SpecIssue[] });
      expect(refused?.code).toBe('invalid_spec');
      // The three visible tests break the precondition, and no generated input satisfies it.
      expect(refused?.issues?.map((issue) => issue.path)).toEqual(['testCases.0.inputs', 'testCases.1.inputs', 'testCases.2.inputs', 'preconditions.0']);
      expect(refused?.issues?.[3]?.message).toMatch(/^orchestrate\/clamp: preconditions\.0: got "low > high \+ 1000", expected conditions that some inputs/);
      const typo = TaskSpecSchema.parse({ ...clampSpec(), postconditions: ['result.lenght > 0'] });
      await expect(engine.verify(typo, 'function clamp(x: number, low: number, high: number): number { return x; }')).rejects.toMatchObject({
        code: 'invalid_spec', issues: [{ path: 'postconditions.0' }],
      });
      expect(model.calls).toHaveLength(0);
      expect(await store.listRuns()).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});

describe('the built CLI', () => {
  let work: string;
  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
    work = await mkdtemp(join(tmpdir(), 'zerr-spec-cli-'));
    await writeFile(join(work, 'deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    await writeFile(join(work, 'huge.json'), `{"id": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    await mkdir(join(work, 'folder.yaml'));
    await writeFile(join(work, 'clamp.ts'), 'function clamp(x: number, low: number, high: number): number { return Math.min(Math.max(x, low), high); }\n');
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  function zerr(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) => {
      execFile(process.execPath, [BIN, ...args], { cwd: work, timeout: 60_000, env: { ...process.env, ZERR_DEBUG: '', CI: '1' } }, (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      });
    });
  }

  const corpus = (name: string): string => join(CORPUS, name);
  it.each([
    [['spec', 'check', corpus('pre-never-holds.yaml')], /pre-never-holds\.yaml: preconditions\.0: got "low > high \+ 1000", expected conditions that some inputs/],
    [['spec', 'check', corpus('ts-postcondition-typo.yaml')], /postconditions\.0: got "result\.lenght === words\.length", expected a boolean TypeScript expression over words and result \(Property 'lenght' does not exist/],
    [['spec', 'check', corpus('alias-bomb.yaml')], /alias-bomb\.yaml: \(root\): got a YAML document whose aliases expand past that/],
    [['spec', 'check', corpus('test-string-for-number.json')], /testCases\.0\.inputs\.0: got "1", expected a number for a: number/],
    [['spec', 'check', 'deep.json'], /deep\.json:1: \(root\): got a value nested more than 64 levels deep/],
    [['spec', 'check', 'huge.json'], /huge\.json: \(root\): got a file of \d+ bytes, expected a spec file of at most 1048576 bytes/],
    [['spec', 'check', 'folder.yaml'], /folder\.yaml \(is a directory, expected a YAML or JSON file\)/],
    [['spec', 'check', 'missing.yaml'], /missing\.yaml \(no such file\)/],
    [['verify', corpus('pre-visible-test-violates.yaml'), 'clamp.ts'], /testCases\.1\.inputs: got \[5,10,0\], expected inputs that satisfy every precondition/],
  ] as const)('zerr %j: exit 3, one line naming the field, no stack trace', async (args, message) => {
    const { code, stdout, stderr } = await zerr(args);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('zerr spec check passes a good spec with preconditions (judged) with exit 0', async () => {
    const { code, stdout } = await zerr(['spec', 'check', join(ROOT, 'test', 'fixtures', 'specs', 'clamp.yaml')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/valid task spec clamp \(typescript, 3 test cases\)/);
  });
});
