/**
 * @module test/hostile/static-deny-list
 * The security layer's static deny lists against known evasions: every file of `test/fixtures/hostile/static/`
 * (one evasion each: `getattr(os, 'fo' + 'rk')`, private C modules, `io.FileIO`, `__import__`, name tables and frames
 * in Python; `Object.getPrototypeOf`, `.constructor` chains and folded keys, computed members of `globalThis`,
 * `this` and functions, `process`/`require` as values in TypeScript) must fail the layer with the rule in
 * {@link EXPECTED} among its findings. The layer runs for real: ESLint and the syntax-tree walk in process for
 * TypeScript, the `ast` walk in the bubblewrap sandbox for Python. Nothing here executes a fixture.
 *
 * The other direction: known-good solutions (the first 20 MBXP-TS canonical solutions that type-check and pass
 * their tests, `canonical-verified.txt`; the first 20 OpenAI HumanEval canonical solutions) and a set of ordinary
 * idioms that sit next to the denied ones must pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';
import { SecurityLayer } from '../../src/verify/layers/security.js';
import type { LayerResult } from '../../src/verify/verification-layer.js';
import { hasCloseElementsSpec } from '../fixtures/sandbox/specs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'hostile', 'static');
const BENCH = resolve(ROOT, '..', 'shared', 'bench');

/** The rule each fixture must trigger (other findings may come with it). Every fixture file has an entry. */
const EXPECTED: Readonly<Record<string, string>> = {
  'py01-getattr-concat-fork.py': 'py/getattr-computed',
  'py02-getattr-literal-system.py': 'py/getattr-denied',
  'py03-private-signal.py': 'py/private-module',
  'py04-private-socket.py': 'py/private-module',
  'py05-private-posixsubprocess.py': 'py/private-module',
  'py06-io-fileio.py': 'py/io-FileIO',
  'py07-dunder-import.py': 'py/__import__',
  'py08-importlib.py': 'py/importlib',
  'py09-subclasses-walk.py': 'py/dunder',
  'py10-globals-builtins.py': 'py/globals',
  'py11-sys-modules.py': 'py/sys-modules',
  'py12-function-globals.py': 'py/dunder',
  'py13-vars-subscript.py': 'py/vars',
  'py14-open-alias-write.py': 'py/open-value',
  'py15-os-open.py': 'py/os-open',
  'py16-posix-module.py': 'py/posix',
  'py17-module-alias.py': 'py/module-value',
  'py18-frame-globals.py': 'py/sys-_getframe',
  'py19-format-string.py': 'py/format-dunder',
  'py20-exec-compile.py': 'py/exec',
  'py21-coding-utf7.py': 'py/coding',
  'py22-attrgetter-globals.py': 'py/attrgetter-denied',
  'py23-traceback-frame.py': 'py/dunder',
  'py24-gc-objects.py': 'py/gc',
  'ts01-get-prototype-of.ts': 'deny/get-prototype-of',
  'ts02-reflect-get-prototype-of.ts': 'deny/get-prototype-of',
  'ts03-constructor-constructor.ts': 'deny/constructor',
  'ts04-constructor-concatenated-key.ts': 'deny/constructor',
  'ts05-constructor-joined-key.ts': 'deny/constructor',
  'ts06-proto-access.ts': 'deny/proto',
  'ts07-globalthis-computed.ts': 'deny/computed-member',
  'ts08-this-computed.ts': 'deny/computed-member',
  'ts09-function-computed.ts': 'deny/computed-member',
  'ts10-function-call.ts': 'deny/function',
  'ts11-dynamic-import.ts': 'deny/dynamic-import',
  'ts12-require-alias.ts': 'deny/require',
  'ts13-process-alias.ts': 'deny/process',
  'ts14-globalthis-value.ts': 'deny/global-object',
  'ts15-reflect-construct.ts': 'deny/reflect-construct',
  'ts16-set-prototype-of.ts': 'deny/set-prototype-of',
  'ts17-define-property-builtin.ts': 'deny/pollution',
  'ts18-prepare-stack-trace.ts': 'deny/stack-trace',
  'ts19-arguments-callee-caller.ts': 'deny/caller',
  'ts20-unicode-escaped-eval.ts': 'deny/eval',
  'ts21-destructure-constructor.ts': 'deny/constructor',
  'ts22-reflect-get-constructor.ts': 'deny/reflect-key',
  'ts23-proto-literal.ts': 'deny/proto',
  'ts24-timer-string.ts': 'deny/timer-string',
};

const sandbox = new BwrapSandbox();
const layer = new SecurityLayer({ sandbox });
afterAll(async () => {
  await layer.close();
  await sandbox.close();
});

type Language = 'typescript' | 'python';
const languageOf = (file: string): Language => (file.endsWith('.py') ? 'python' : 'typescript');
const verify = (language: Language, code: string): Promise<LayerResult> =>
  layer.verify({ spec: hasCloseElementsSpec(language), candidate: { language, code } });
const findingsOf = (result: LayerResult): { line: number; rule: string; message: string }[] =>
  (result.details as { findings: { line: number; rule: string; message: string }[] }).findings;

const files = readdirSync(FIXTURES).filter((f) => /\.(ts|py)$/.test(f)).sort();

describe('static deny list: hostile evasions fail the security layer', () => {
  test('the corpus: at least 12 fixtures in each language, each in the table, each with its header and an add function', () => {
    expect(files.filter((f) => f.endsWith('.py')).length).toBeGreaterThanOrEqual(12);
    expect(files.filter((f) => f.endsWith('.ts')).length).toBeGreaterThanOrEqual(12);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
    for (const file of files) {
      const code = readFileSync(join(FIXTURES, file), 'utf8');
      expect(code, file).toMatch(file.endsWith('.py') ? /^# Hostile fixture: / : /^\/\*\*\n \* Hostile fixture: /);
      expect(code, file).toMatch(file.endsWith('.py') ? /^def add\(a, b\):$/m : /^function add\((this: any, )?a: number, b: number\): number \{$/m);
    }
  });

  test.each(files)('%s', { timeout: 30_000 }, async (file) => {
    const result = await verify(languageOf(file), readFileSync(join(FIXTURES, file), 'utf8'));
    const findings = findingsOf(result);
    expect(result.status, result.reason).toBe('fail');
    expect(findings.map((f) => f.rule), result.reason).toContain(EXPECTED[file]);
    const named = findings.find((f) => f.rule === EXPECTED[file]);
    expect(named?.line).toBeGreaterThan(0);
    expect(named?.message).toMatch(/ is not allowed \(.+\)$/);
    expect(result.reason).toMatch(/^line \d+: .+ is not allowed/);
  });
});

/** The first `count` records of a JSONL file that `keep` accepts. */
function readJsonl<T>(path: string, keep: (record: T) => boolean, count: number): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T).filter(keep).slice(0, count);
}

describe('static deny list: ordinary correct code passes the security layer', () => {
  const verified = new Set(readFileSync(join(BENCH, 'mbxp-ts', 'canonical-verified.txt'), 'utf8').split('\n')
    .map((line) => line.split('\t')[0]?.trim() ?? '').filter((id) => id !== '' && !id.startsWith('#')));
  const mbxp = readJsonl<{ task_id: string; prompt: string; canonical_solution: string }>(
    join(BENCH, 'mbxp-ts', 'mbtsp_release_v1.2.jsonl'), (r) => verified.has(r.task_id), 20);
  const humaneval = readJsonl<{ task_id: string; prompt: string; canonical_solution: string }>(
    join(BENCH, 'openai-humaneval', 'HumanEval.jsonl'), () => true, 20);

  test('20 MBXP-TS canonical solutions known to type-check and pass: no finding', { timeout: 60_000 }, async () => {
    expect(mbxp).toHaveLength(20);
    const flagged: string[] = [];
    for (const record of mbxp) {
      const result = await verify('typescript', record.prompt + record.canonical_solution);
      if (result.status !== 'pass') flagged.push(`${record.task_id}: ${result.reason}`);
    }
    expect(flagged).toEqual([]);
  });

  test('20 HumanEval canonical solutions (Python): no finding', { timeout: 60_000 }, async () => {
    expect(humaneval).toHaveLength(20);
    const flagged: string[] = [];
    for (const record of humaneval) {
      const result = await verify('python', record.prompt + record.canonical_solution);
      if (result.status !== 'pass') flagged.push(`${record.task_id}: ${result.reason}`);
    }
    expect(flagged).toEqual([]);
  });

  test('idioms next to the denied ones pass (literal getattr with a default, reading files, comparing constructors, folded ordinary keys)', { timeout: 30_000 }, async () => {
    const py = `import os.path
import re
import sys
import operator
from functools import reduce
sys.setrecursionlimit(10000)
PATTERN = re.compile(r"\\d+")


def f(obj, xs, path, memo):
    name = getattr(obj, "name", "anonymous")
    if hasattr(obj, "size"):
        setattr(obj, "size", len(xs))
    with open(path) as fh:
        text = fh.read()
    key = "{0}-{1}".format(name, len(text))
    memo[key] = memo.get(key, 0) + 1
    total = reduce(operator.add, xs, 0)
    words = sorted(xs, key=operator.itemgetter(0)) if xs else []
    return os.path.join(name, str(total)), PATTERN.findall(text), words, type(obj).__name__, obj.__class__.__name__
`;
    const pyResult = await verify('python', py);
    expect(pyResult.status, pyResult.reason).toBe('pass');
    const ts = `const SEP = ',' + '';
class Grid {
  readonly cells: number[][] = [];
  at(i: number, j: number): number { return this.cells[i]?.[j] ?? 0; }
}
function f(value: unknown, xs: number[], memo: Record<string, number>, grid: Grid): string {
  const plain = typeof value === 'object' && value !== null && value.constructor === Object;
  const kind = value instanceof Object ? (value as object).constructor.name : typeof value;
  const key = xs[0] + SEP + xs[1];
  memo[key] = (memo[key] ?? 0) + 1;
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(String(x), (counts.get(String(x)) ?? 0) + 1);
  const best = Math.max(...xs, grid.at(0, 0));
  const entries = Object.entries(memo).sort(([a], [b]) => a.localeCompare(b));
  return [plain, kind, best, entries.length, Object.keys(xs).join(SEP)].join(' ');
}
`;
    const tsResult = await verify('typescript', ts);
    expect(tsResult.status, tsResult.reason).toBe('pass');
  });
});
