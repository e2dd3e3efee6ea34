/**
 * Values reach the candidate as their declared types (`sandbox/typed-encoding.ts`) and results compare by them
 * (`verify/values-equal.ts`): each reference below works only on the declared type - a Python `tuple` (hashed), `set`
 * (`.update`), `dict` with `int` keys, `bytes` (`.decode`); a TypeScript `Set` (`.size`), `Map` (`.get`), `Date`
 * (`.getUTCFullYear`), `bigint` (`* 2n`), `undefined` (`=== undefined`) - and each passes its visible tests in
 * the real sandbox, its contracts included (the judge sees the same types). The same reference with the type
 * declared as a plain list or object fails: the declared type is what makes the difference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox, SandboxCandidateRunner } from '../../src/sandbox/index.js';
import { TaskSpecSchema, type Language } from '../../src/task-spec/task-spec.js';
import { SandboxJudge } from '../../src/verify/judge/sandbox-judge.js';
import { ContractsLayer } from '../../src/verify/layers/contracts.js';
import { UnitTestsLayer } from '../../src/verify/layers/unit-tests.js';

const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());
const runner = new SandboxCandidateRunner(sandbox);
const unitTests = new UnitTestsLayer({ runner });
const contracts = new ContractsLayer({ runner, judge: new SandboxJudge({ sandbox }), generatedInputs: 20 });

interface Case {
  readonly label: string;
  readonly language: Language;
  readonly inputs: readonly (readonly [name: string, type: string, plain: string])[];
  readonly output: readonly [type: string, plain: string];
  readonly code: string;
  readonly tests: readonly { readonly inputs: readonly unknown[]; readonly expected: unknown }[];
  readonly postconditions?: readonly string[];
}

const CASES: readonly Case[] = [
  {
    label: 'Python Tuple[int, int] (hashed)', language: 'python',
    inputs: [['pair', 'Tuple[int, int]', 'List[int]']], output: ['int', 'int'],
    code: 'from typing import Tuple\n\ndef pair_sum(pair: Tuple[int, int]) -> int:\n    seen = {pair}\n    return pair[0] + pair[1] if pair in seen else -1\n',
    tests: [{ inputs: [[1, 2]], expected: 3 }],
    postconditions: ['isinstance(pair, tuple)'],
  },
  {
    label: 'Python Set[int] (updated; the result compares as a set)', language: 'python',
    inputs: [['s', 'Set[int]', 'List[int]'], ['xs', 'List[int]', 'List[int]']], output: ['Set[int]', 'List[int]'],
    code: 'from typing import List, Set\n\ndef add_all(s: Set[int], xs: List[int]) -> Set[int]:\n    s.update(xs)\n    return s\n',
    tests: [{ inputs: [[3, 1], [2]], expected: [3, 2, 1] }],
    postconditions: ['result == s | set(xs)'],
  },
  {
    label: 'Python Dict[int, str] (int keys)', language: 'python',
    inputs: [['d', 'Dict[int, str]', 'Dict[str, str]'], ['k', 'int', 'int']], output: ['str', 'str'],
    code: 'from typing import Dict\n\ndef lookup(d: Dict[int, str], k: int) -> str:\n    return d[k] if k in d else ""\n',
    tests: [{ inputs: [{ 1: 'a', 2: 'b' }, 2], expected: 'b' }],
  },
  {
    label: 'Python bytes (decoded)', language: 'python',
    inputs: [['b', 'bytes', 'str']], output: ['str', 'str'],
    code: 'def shout(b: bytes) -> str:\n    return b.decode("utf-8").upper()\n',
    tests: [{ inputs: ['héllo'], expected: 'HÉLLO' }, { inputs: [[104, 105]], expected: 'HI' }],
  },
  {
    label: 'TypeScript Set<number> (.size)', language: 'typescript',
    inputs: [['s', 'Set<number>', 'number[]']], output: ['number', 'number'],
    code: 'function count(s: Set<number>): number {\n  return s.size;\n}\n',
    tests: [{ inputs: [[1, 2, 3]], expected: 3 }],
  },
  {
    label: 'TypeScript Map<string, number> (.get; a Map result compares with an object)', language: 'typescript',
    inputs: [['m', 'Map<string, number>', 'Record<string, number>']], output: ['Map<string, number>', 'Record<string, number>'],
    code: 'function bump(m: Map<string, number>): Map<string, number> {\n  const out = new Map<string, number>();\n  for (const [k, v] of m) out.set(k, (m.get(k) ?? 0) + v);\n  return out;\n}\n',
    tests: [{ inputs: [{ a: 1, b: 2 }], expected: { a: 2, b: 4 } }],
  },
  {
    label: 'TypeScript Date (.getUTCFullYear)', language: 'typescript',
    inputs: [['d', 'Date', 'string']], output: ['number', 'number'],
    code: 'function year(d: Date): number {\n  return d.getUTCFullYear();\n}\n',
    tests: [{ inputs: ['2024-02-29T12:00:00Z'], expected: 2024 }, { inputs: [0], expected: 1970 }],
  },
  {
    label: 'TypeScript number | undefined (null written, undefined received)', language: 'typescript',
    inputs: [['x', 'number | undefined', 'number | null']], output: ['string', 'string'],
    code: 'function describe(x: number | undefined): string {\n  return x === undefined ? "none" : `some ${x}`;\n}\n',
    tests: [{ inputs: [null], expected: 'none' }, { inputs: [2], expected: 'some 2' }],
  },
  {
    label: 'TypeScript bigint (exact beyond 2^53)', language: 'typescript',
    inputs: [['x', 'bigint', 'number']], output: ['bigint', 'number'],
    code: 'function double(x: bigint): bigint {\n  return x * 2n;\n}\n',
    tests: [{ inputs: ['12345678901234567890'], expected: '24691357802469135780' }, { inputs: [21], expected: 42 }],
  },
];

function specOf(c: Case, plain: boolean) {
  const entryPoint = /(?:def|function) (\w+)/.exec(c.code)?.[1] ?? 'f';
  return TaskSpecSchema.parse({
    id: entryPoint, name: entryPoint, description: c.label, language: c.language,
    signature: { entryPoint, inputs: c.inputs.map(([name, typed, untyped]) => ({ name, type: plain ? untyped : typed })), output: { type: plain ? c.output[1] : c.output[0] } },
    testCases: c.tests, postconditions: c.postconditions ?? [], limits: { timeoutMs: 2000 },
  });
}

describe('values by declared type', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: the reference passes as declared, and fails when the type says plain JSON', async (_label, c) => {
    const candidate = { language: c.language, code: c.code };
    const typed = await unitTests.verify({ spec: specOf(c, false), candidate });
    expect(typed.status, typed.reason).toBe('pass');
    if (c.postconditions !== undefined) {
      const checked = await contracts.verify({ spec: specOf(c, false), candidate });
      expect(checked.status, checked.reason).toBe('pass');
    }
    const plain = await unitTests.verify({ spec: specOf(c, true), candidate });
    expect(plain.status).toBe('fail');
  }, 60_000);
});

describe('values by declared type in class call sequences', () => {
  const classSpec = (language: Language, ctorType: string, methodType: string, outputType: string) => TaskSpecSchema.parse({
    id: 'registry', name: 'Registry', description: 'Names by id.', taskType: 'class', language,
    signature: { entryPoint: 'Registry', inputs: [{ name: 'names', type: ctorType }], output: { type: 'Registry' } },
    methods: [{ name: 'pick', inputs: [{ name: 'ids', type: methodType }], output: { type: outputType } }],
    sequences: [{ construct: [{ 1: 'ada', 2: 'bob', 3: 'cy' }], steps: [{ call: 'pick', args: [[3, 1]], expected: ['ada', 'cy'] }] }],
    limits: { timeoutMs: 2000 },
  });
  const PY = [
    'from typing import Dict, List, Set',
    '',
    'class Registry:',
    '    def __init__(self, names: Dict[int, str]):',
    '        self.names = names',
    '',
    '    def pick(self, ids: Set[int]) -> List[str]:',
    '        ids.add(1)',
    '        return sorted(self.names[i] for i in ids)',
  ].join('\n');
  const TS = [
    'class Registry {',
    '  constructor(private readonly names: Map<number, string>) {}',
    '  pick(ids: Set<number>): string[] {',
    '    return [...ids].map((id) => this.names.get(id) ?? "?").sort();',
    '  }',
    '}',
  ].join('\n');

  it.each([
    ['python', PY, ['Dict[int, str]', 'Set[int]', 'List[str]'], ['Dict[str, str]', 'List[int]', 'List[str]']],
    ['typescript', TS, ['Map<number, string>', 'Set<number>', 'string[]'], ['Record<string, string>', 'number[]', 'string[]']],
  ] as const)('%s: the constructor and the method get their declared types; declared as plain JSON, the same class fails', async (language, code, typed, plain) => {
    const pass = await unitTests.verify({ spec: classSpec(language, typed[0], typed[1], typed[2]), candidate: { language, code } });
    expect(pass.status, pass.reason).toBe('pass');
    const fail = await unitTests.verify({ spec: classSpec(language, plain[0], plain[1], plain[2]), candidate: { language, code } });
    expect(fail.status).toBe('fail');
  }, 60_000);
});
