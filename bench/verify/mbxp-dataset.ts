/**
 * @module bench/verify/mbxp-dataset
 * Reads MBXP-TS (MBTSP, Amazon's MBPP translated to TypeScript; `shared/bench/mbxp-ts`) into benchmark problems:
 * a {@link TaskSpec} per problem (signature from the prompt's `const f = function (a: T, ...) : R {`, visible test
 * cases from the `test` field's `let actual_N = f(args); let expected_N = value;` pairs), the candidate
 * (`prompt + canonical_solution`), the original assert-based test program, and the ground-truth labels of
 * `canonical-verified.txt` (known-good) and `tsc-broken.txt` (needs npm packages).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ts } from '../../src/task-spec/typescript-api.js';
import { parseTypeScriptCall, parseTypeScriptLiteral, TaskSpecSchema, type Signature, type TaskSpec, type TestCase } from '../../src/task-spec/index.js';

/** One MBXP-TS record as stored in `mbtsp_release_v1.2.jsonl`. */
export interface MbxpRecord {
  readonly task_id: string;
  readonly prompt: string;
  readonly test: string;
  readonly entry_point: string;
  readonly description: string;
  readonly canonical_solution?: string | null;
}

/** A problem ready for verification. */
export interface MbxpProblem {
  readonly id: string;
  readonly spec: TaskSpec;
  /** `prompt + canonical_solution` (the model-written reference; often wrong). */
  readonly candidate: string;
  /** The dataset's own test program (`import * as assert from 'assert'` + asserts). */
  readonly testProgram: string;
  /** In `canonical-verified.txt`: the canonical solution type-checks and passes the tests. */
  readonly knownGood: boolean;
  /** In `tsc-broken.txt`: the prompt imports an npm package (mathjs, heap-js) or does not parse. */
  readonly tscBroken: boolean;
  /** Assert pairs the literal reader could not read (left out of `spec.testCases`). */
  readonly unreadTests: number;
}

/** The dataset folder under the shared data folder. */
export function mbxpFolder(dataDir: string): string {
  return join(dataDir, 'bench', 'mbxp-ts');
}

/** Task ids listed one per line (first tab-separated field), `#` comments skipped. */
async function readIdList(path: string): Promise<Set<string>> {
  const text = await readFile(path, 'utf8');
  return new Set(
    text.split('\n').map((line) => line.split('\t')[0]?.trim() ?? '').filter((id) => id !== '' && !id.startsWith('#')),
  );
}

/** Loads all 968 problems in dataset order. */
export async function loadMbxpProblems(dataDir: string): Promise<MbxpProblem[]> {
  const folder = mbxpFolder(dataDir);
  const [jsonl, good, broken] = await Promise.all([
    readFile(join(folder, 'mbtsp_release_v1.2.jsonl'), 'utf8'),
    readIdList(join(folder, 'canonical-verified.txt')),
    readIdList(join(folder, 'tsc-broken.txt')),
  ]);
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => toProblem(JSON.parse(line) as MbxpRecord, good, broken));
}

function toProblem(record: MbxpRecord, good: ReadonlySet<string>, broken: ReadonlySet<string>): MbxpProblem {
  const signature = parseMbxpSignature(record.prompt) ?? { entryPoint: record.entry_point, inputs: [], output: { type: 'unknown' } };
  const { testCases, unread } = parseMbxpTests(record.test, signature.entryPoint);
  const spec = TaskSpecSchema.parse({
    id: record.task_id,
    name: signature.entryPoint,
    description: record.description.trim() === '' ? signature.entryPoint : record.description,
    language: 'typescript',
    signature,
    stub: record.prompt,
    testCases,
    metadata: { dataset: 'mbxp-ts', problem: record.task_id, licence: 'CC-BY-4.0' },
  });
  return {
    id: record.task_id,
    spec,
    candidate: `${record.prompt}${record.canonical_solution ?? ''}`,
    testProgram: record.test,
    knownGood: good.has(record.task_id),
    tscBroken: broken.has(record.task_id),
    unreadTests: unread,
  };
}

/**
 * The signature of the last `const f = function (a: T, ...) : R {` (or arrow function) in an MBXP prompt; the
 * prompt is closed with `};` for parsing. Undefined when there is none.
 */
export function parseMbxpSignature(prompt: string): Signature | undefined {
  const source = ts.createSourceFile('prompt.ts', `${prompt}\n};\n`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let found: Signature | undefined;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (!ts.isIdentifier(declaration.name) || init === undefined) continue;
      if (!ts.isFunctionExpression(init) && !ts.isArrowFunction(init)) continue;
      found = {
        entryPoint: declaration.name.text,
        inputs: init.parameters.map((p) => ({ name: p.name.getText(source), type: p.type?.getText(source) ?? 'any' })),
        output: { type: init.type?.getText(source) ?? 'any' },
      };
    }
  }
  return found;
}

/**
 * Test cases from the `let actual_N = f(args); let expected_N = value;` pairs of an MBXP test program. Pairs whose
 * call or value is not a literal (or whose callee is not `entryPoint`) are counted in `unread`.
 */
export function parseMbxpTests(test: string, entryPoint: string): { testCases: TestCase[]; unread: number } {
  const source = ts.createSourceFile('test.ts', test, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const actual = new Map<string, string>();
  const expected = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
      const match = /^(actual|expected)_(\d+)$/.exec(declaration.name.text);
      if (match?.[2] === undefined) continue;
      (match[1] === 'actual' ? actual : expected).set(match[2], declaration.initializer.getText(source));
    }
  }
  const testCases: TestCase[] = [];
  let unread = 0;
  for (const [index, callText] of actual) {
    const valueText = expected.get(index);
    const call = parseTypeScriptCall(callText);
    const value = valueText === undefined ? undefined : parseTypeScriptLiteral(valueText);
    if (!call.ok || call.value.callee !== entryPoint || value === undefined || !value.ok) {
      unread += 1;
      continue;
    }
    testCases.push({ inputs: call.value.args, expected: value.value, expectThrows: false });
  }
  return { testCases, unread };
}
