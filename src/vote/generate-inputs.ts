/**
 * @module vote/generate-inputs
 * Deterministic argument tuples for a task, generated from the types in its signature. Every candidate of a task
 * runs on the same tuples; their outcomes make the semantic signature (execution-based equivalence class, as in
 * CodeT and MBR-exec) that first-to-ahead-by-k voting counts.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { parseTypeRef, type TypeRef } from '../task-spec/type-ref.js';
import { isNumericType } from '../task-spec/type-ref-model.js';
import type { TaskSpec } from '../task-spec/task-spec.js';
import { parseOptions } from '../errors/parse-options.js';

/** Bounds of generated values. */
const MAX_ARRAY_LENGTH = 8;
const MAX_STRING_LENGTH = 8;
const MIN_INTEGER = -20;
const MAX_INTEGER = 100;

const integerArb = fc.integer({ min: MIN_INTEGER, max: MAX_INTEGER });
/** Floats in [-20, 100] with at most two decimals (never -0, NaN or infinite). */
const floatArb = fc.integer({ min: MIN_INTEGER * 100, max: MAX_INTEGER * 100 }).map((cents) => (cents === 0 ? 0 : cents / 100));
const stringArb = fc.string({ unit: 'grapheme-ascii', maxLength: MAX_STRING_LENGTH });
/** Dates between 1970 and 2100 at whole seconds, as ISO 8601 strings (how a spec writes a `Date`). */
const dateArb = fc.integer({ min: 0, max: 4_102_444_800 }).map((seconds) => new Date(seconds * 1000).toISOString());
/** Small JSON values for `any`. */
const anyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  integerArb,
  stringArb,
  fc.array(integerArb, { maxLength: 4 }),
);

/** A fast-check arbitrary for values of `type`. Record keys are strings (JSON objects cannot have other keys). */
export function arbitraryFor(type: TypeRef): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'integer':
      return integerArb;
    case 'float':
      return floatArb;
    case 'number':
      return fc.oneof(integerArb, floatArb);
    case 'string':
      return stringArb;
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'any':
      return anyArb;
    case 'bigint':
      return integerArb;
    case 'bytes':
      return stringArb;
    case 'date':
      return dateArb;
    case 'array':
      // A set's elements are distinct (as the set the candidate receives will be).
      return type.container === 'set' || type.container === 'frozenset'
        ? fc.uniqueArray(arbitraryFor(type.element), { maxLength: MAX_ARRAY_LENGTH, selector: (value) => JSON.stringify(value) })
        : fc.array(arbitraryFor(type.element), { maxLength: MAX_ARRAY_LENGTH });
    case 'tuple':
      return fc.tuple(...type.elements.map(arbitraryFor));
    case 'record':
      return fc.dictionary(keyArbitrary(type.key), arbitraryFor(type.value), { maxKeys: MAX_ARRAY_LENGTH, noNullPrototype: true });
    case 'object': {
      const model = Object.fromEntries(type.fields.map((field) => [field.name, arbitraryFor(field.type)]));
      const requiredKeys = type.fields.filter((field) => !field.optional).map((field) => field.name);
      return fc.record(model, { requiredKeys, noNullPrototype: true });
    }
    case 'union':
      return fc.oneof(...type.members.map(arbitraryFor));
    case 'optional':
      return fc.option(arbitraryFor(type.inner), { nil: null, freq: 4 });
  }
}

/** The simplest value of `type`: 0, '', false, [], {}, null - always tried first. */
export function edgeValueFor(type: TypeRef): unknown {
  switch (type.kind) {
    case 'integer':
    case 'float':
    case 'number':
    case 'bigint':
      return 0;
    case 'string':
    case 'bytes':
      return '';
    case 'date':
      return '1970-01-01T00:00:00.000Z';
    case 'boolean':
      return false;
    case 'null':
    case 'any':
    case 'optional':
      return null;
    case 'array':
      return [];
    case 'tuple':
      return type.elements.map(edgeValueFor);
    case 'record':
      return {};
    case 'object':
      return Object.fromEntries(type.fields.filter((field) => !field.optional).map((field) => [field.name, edgeValueFor(field.type)]));
    case 'union':
      return type.members[0] === undefined ? null : edgeValueFor(type.members[0]);
  }
}

function keyArbitrary(key: TypeRef): fc.Arbitrary<string> {
  if (isNumericType(key)) return integerArb.map(String);
  return fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 });
}

const OptionsSchema = z
  .object({
    spec: z.custom<TaskSpec>((value) => typeof value === 'object' && value !== null && 'signature' in value, 'a TaskSpec'),
    count: z.number().int('an integer >= 1').min(1, 'an integer >= 1').default(24),
    seed: z.number().int('an integer').default(42),
  })
  .strict();

/**
 * Generates up to `count` distinct argument tuples for `spec.signature.inputs`, parsed with `parseTypeRef`
 * (types it does not understand generate small JSON values).
 *
 * The first tuple is the edge case of every parameter (0, '', false, [], {}, null); the rest come from
 * `fc.sample` with the fixed `seed`, so the same spec and seed always give identical tuples. Sizes stay small:
 * arrays and records at most 8 entries, integers in [-20, 100], floats in [-20, 100] with two decimals, printable
 * ASCII strings of at most 8 characters. Duplicates are dropped, so a tiny input space (one `bool`) yields fewer
 * than `count` tuples. A function without parameters gets exactly one empty tuple.
 *
 * @param options.count how many tuples, integer >= 1. Default 24.
 * @param options.seed fast-check seed, integer. Default 42.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `options.count` / `options.seed` / `options.spec`).
 */
export function generateInputs(options: { readonly spec: TaskSpec; readonly count?: number; readonly seed?: number }): unknown[][] {
  const { spec, count, seed } = parseOptions(OptionsSchema, options);
  const types = spec.signature.inputs.map((parameter) => parseTypeRef(spec.language, parameter.type));
  if (types.length === 0) return [[]];
  const tuples = new Map<string, unknown[]>();
  const add = (tuple: unknown[]): void => {
    const key = JSON.stringify(tuple);
    if (tuples.size < count && !tuples.has(key)) tuples.set(key, tuple);
  };
  add(types.map(edgeValueFor));
  const arbitrary = fc.tuple(...types.map(arbitraryFor));
  for (const tuple of fc.sample(arbitrary, { seed, numRuns: count * 4 })) add(tuple);
  return [...tuples.values()];
}
