/**
 * @module memory/spec-key
 * The key of the verified-solution cache: a hash of what a spec asks for, normalised so that two specs asking for the
 * same thing get the same key whatever their id, name, priority, provenance or key order.
 */
import { createHash } from 'node:crypto';
import type { TaskSpec } from '../task-spec/task-spec.js';

/**
 * `spec:<first 32 hex of the SHA-256>` of the spec's contract as canonical JSON (keys sorted): language, task type,
 * signature, description (white space collapsed), stub, pre/postconditions, invariants, test cases, properties, methods,
 * fields, call sequences, limits, float tolerance and context code. Id, name, priority, dependencies and metadata
 * are left out: they do not change what a correct solution is.
 */
export function specKey(spec: TaskSpec): string {
  const contract = {
    language: spec.language, taskType: spec.taskType, signature: spec.signature, description: spec.description.replace(/\s+/g, ' ').trim(),
    stub: spec.stub ?? null, preconditions: spec.preconditions, postconditions: spec.postconditions, invariants: spec.invariants,
    testCases: spec.testCases, properties: spec.properties, methods: spec.methods, fields: spec.fields, sequences: spec.sequences,
    limits: spec.limits, floatTolerance: spec.floatTolerance ?? null, contextCode: spec.contextCode ?? null,
  };
  return `spec:${createHash('sha256').update(canonicalJson(contract)).digest('hex').slice(0, 32)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
