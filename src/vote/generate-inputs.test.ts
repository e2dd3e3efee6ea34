import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { TaskSpecSchema, type TaskSpec } from '../task-spec/task-spec.js';
import { parseTypeRef } from '../task-spec/type-ref.js';
import { arbitraryFor, generateInputs } from './generate-inputs.js';

function spec(language: 'python' | 'typescript', inputs: [string, string][]): TaskSpec {
  return TaskSpecSchema.parse({
    id: 'demo',
    name: 'demo',
    description: 'demo',
    language,
    signature: { entryPoint: 'f', inputs: inputs.map(([name, type]) => ({ name, type })), output: { type: 'int' } },
  });
}

describe('generateInputs', () => {
  const python = spec('python', [
    ['numbers', 'List[float]'],
    ['threshold', 'float'],
    ['words', 'List[str]'],
    ['pair', 'Tuple[int, str]'],
    ['lookup', 'Dict[str, int]'],
    ['maybe', 'Optional[int]'],
  ]);

  it('is deterministic for the same spec and seed, and changes with the seed', () => {
    const first = generateInputs({ spec: python });
    expect(generateInputs({ spec: python, count: 24, seed: 42 })).toEqual(first);
    expect(generateInputs({ spec: python, seed: 7 })).not.toEqual(first);
    expect(first).toHaveLength(24);
  });

  it('starts with the edge case and yields well-typed, small, distinct tuples', () => {
    const tuples = generateInputs({ spec: python, count: 40 });
    expect(tuples[0]).toEqual([[], 0, [], [0, ''], {}, null]);
    expect(new Set(tuples.map((tuple) => JSON.stringify(tuple))).size).toBe(tuples.length);
    for (const [numbers, threshold, words, pair, lookup, maybe] of tuples as [number[], number, string[], [number, string], Record<string, number>, number | null][]) {
      expect(numbers.length).toBeLessThanOrEqual(8);
      for (const value of [...numbers, threshold]) {
        expect(Number.isFinite(value) && value >= -20 && value <= 100).toBe(true);
        expect(Math.round(value * 100) / 100).toBe(value);
      }
      for (const word of words) expect(word).toMatch(/^[\x20-\x7e]{0,8}$/);
      expect(Number.isInteger(pair[0]) && typeof pair[1] === 'string').toBe(true);
      expect(Object.values(lookup).every(Number.isInteger)).toBe(true);
      expect(maybe === null || Number.isInteger(maybe)).toBe(true);
    }
    // Edge values show up beyond the first tuple too (fast-check biases towards small values).
    expect(tuples.slice(1).some(([numbers]) => (numbers as number[]).length === 0)).toBe(true);
  });

  it('handles typescript types, any, and parameterless functions', () => {
    const tuples = generateInputs({ spec: spec('typescript', [['xs', 'number[]'], ['o', '{a: string; b?: boolean}'], ['u', 'unknown']]), count: 10 });
    expect(tuples).toHaveLength(10);
    for (const [xs, o] of tuples as [number[], { a: string; b?: boolean }][]) {
      expect(Array.isArray(xs)).toBe(true);
      expect(typeof o.a).toBe('string');
      expect(o.b === undefined || typeof o.b === 'boolean').toBe(true);
    }
    expect(generateInputs({ spec: spec('python', []) })).toEqual([[]]);
    expect(generateInputs({ spec: spec('python', [['flag', 'bool']]) })).toEqual([[false], [true]]);
  });

  it('rejects invalid counts', () => {
    expect(() => generateInputs({ spec: python, count: 0 })).toThrow(InvalidArgumentError);
    expect(() => generateInputs({ spec: python, seed: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('property: generated values are JSON round-trippable for any parsed type', () => {
    const types = ['List[Dict[str, List[int]]]', 'Tuple[float, ...]', 'Union[int, str, None]', 'Any', 'dict'];
    for (const type of types) {
      fc.assert(
        fc.property(arbitraryFor(parseTypeRef('python', type)), (value) => {
          expect(JSON.parse(JSON.stringify(value))).toEqual(value);
        }),
        { numRuns: 50 },
      );
    }
  });
});
