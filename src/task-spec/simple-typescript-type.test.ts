import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimpleTypeScriptType } from './simple-typescript-type.js';
import { parseTypeScriptTypeWithCompiler } from './type-ref.js';
import { DATASET_FILES, resolveDataDir } from './importers/data-dir.js';
import { listDatasetProblems } from './importers/dataset.js';

const ACCEPTED = [
  'number', 'string', 'boolean', 'null', 'undefined', 'void', 'any', 'unknown', 'object', 'never', 'bigint', 'Date',
  'number[]', 'string[][]', 'readonly number[]', 'readonly [number, string]', 'Array<number>', 'Array<Array<string>>',
  'ReadonlyArray<boolean>', '[number, string]', '[]', '[number, [string, boolean]][]', 'Record<string, number>',
  'Record<number, string[]>', 'Map<string, number[]>', 'ReadonlyMap<number, boolean>', 'Set<number>', 'Partial<{ a: number }>',
  '{ a: number; b?: string }', '{ a: number, b: string, }', '{}', '{ [key: string]: number }', '{[key: number]: string;}',
  'number | undefined', 'string | number | boolean', '(number | string)[]', 'number | null | undefined', "'a' | 'b'",
  '"x"', '1 | 2 | -3', 'true', 'false | string', '[number | undefined, number | undefined]', 'number| number[][]',
];
const REFUSED = [
  '', 'numbr', 'Array<', 'Array<number, string>', 'Foo', 'number[', '[number,]', '[string, number?]', '[x: number]',
  '{ a: number; a: string }', 'Record<boolean, number>', 'readonly number', 'A & B', 'number extends string ? 1 : 2',
  'keyof T', '| number', 'typeof x', 'number; let x = 1', 'Map<string>', 'Set', '{ [k: symbol]: number }', "'a\\'b'",
  '{ "quoted": number }', '(', '010',
];

describe('parseSimpleTypeScriptType', () => {
  it.each(ACCEPTED)('accepts %j with exactly the TypeRef the compiler path builds', (text) => {
    const simple = parseSimpleTypeScriptType(text);
    expect(simple).toBeDefined();
    expect(simple).toEqual(parseTypeScriptTypeWithCompiler(text));
  });

  it.each(REFUSED)('leaves %j to the compiler', (text) => {
    expect(parseSimpleTypeScriptType(text)).toBeUndefined();
  });

  it('refuses a type nested beyond the stack instead of throwing', () => {
    expect(parseSimpleTypeScriptType(`${'('.repeat(50_000)}number${')'.repeat(50_000)}`)).toBeUndefined();
  });

  const dataDir = resolveDataDir();
  const hasData = ['humaneval-ts', 'mbpp-ts'].every((name) => existsSync(join(dataDir, DATASET_FILES[name as 'mbpp-ts'])));
  it.skipIf(!hasData)('agrees with the compiler on every type of the HumanEval-TS and MBPP-TS specs', async () => {
    const types = new Set<string>();
    for (const dataset of ['humaneval-ts', 'mbpp-ts']) {
      for (const problem of await listDatasetProblems(dataset)) {
        for (const type of [...problem.spec.signature.inputs.map((p) => p.type), problem.spec.signature.output.type]) types.add(type);
      }
    }
    expect(types.size).toBeGreaterThan(40);
    for (const type of types) {
      const simple = parseSimpleTypeScriptType(type);
      if (simple !== undefined) expect(simple, type).toEqual(parseTypeScriptTypeWithCompiler(type));
    }
  });
});
