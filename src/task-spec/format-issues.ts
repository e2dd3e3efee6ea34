/**
 * @module task-spec/format-issues
 * Turns zod issues into {@link SpecIssue}s that name the field, the value found and what was expected, in words:
 * `spec.yaml: limits.timeoutMs: got -5, expected a positive integer`.
 */
import type { z } from 'zod';
import { preview } from '../errors/index.js';
import { closestNames } from './closest-names.js';
import type { SpecIssue } from './spec-validation-error.js';

/** Minimal view of zod 4 schema internals used to describe the expected value. */
interface SchemaLike {
  readonly _zod: { readonly def: Readonly<Record<string, unknown>> & { readonly type: string } };
  readonly isInt?: boolean;
  readonly minLength?: number | null;
  readonly options?: readonly unknown[];
}

/** Renders a path as `a.b.0.c`, or `(root)` when empty. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Renders a found value for a message: `nothing (missing)` for undefined, else a short JSON preview. */
export function previewValue(value: unknown): string {
  return value === undefined ? 'nothing (missing)' : preview(value);
}

/** The value at `path` inside `input`, or undefined. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Object.hasOwn(current, key) ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current;
}

function unwrap(schema: SchemaLike): SchemaLike {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const { type, innerType } = current._zod.def;
    if (!['default', 'optional', 'nullable', 'prefault', 'readonly'].includes(type) || innerType === undefined) break;
    current = innerType as SchemaLike;
  }
  return current;
}

/** The (unwrapped) schema of the field at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): SchemaLike | undefined {
  let current: SchemaLike | undefined = unwrap(root as unknown as SchemaLike);
  for (const key of path) {
    if (current === undefined) return undefined;
    const def: SchemaLike['_zod']['def'] = current._zod.def;
    let next: unknown;
    if (def.type === 'object') next = (def['shape'] as Record<string, unknown>)[String(key)];
    else if (def.type === 'array') next = def['element'];
    else if (def.type === 'record') next = def['valueType'];
    current = next === undefined ? undefined : unwrap(next as SchemaLike);
  }
  return current;
}

/** Words for what a schema accepts: `an integer`, `a non-empty string`, `one of "a", "b"`. */
export function describeSchema(schema: SchemaLike | undefined): string | undefined {
  if (schema === undefined) return undefined;
  switch (schema._zod.def.type) {
    case 'number':
      return schema.isInt === true ? 'an integer' : 'a number';
    case 'string':
      return (schema.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping (object)';
    case 'record':
      return 'a mapping of string keys to string values';
    case 'enum':
      return `one of ${(schema.options ?? []).map((o) => JSON.stringify(o)).join(', ')}`;
    default:
      return undefined;
  }
}

function expectedFor(issue: z.core.$ZodIssue, leaf: SchemaLike | undefined): string {
  const described = describeSchema(leaf);
  switch (issue.code) {
    case 'too_small': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        const noun = leaf?.isInt === true || issue.origin === 'int' ? 'integer' : 'number';
        const min = Number(issue.minimum);
        if (min === 0 && !issue.inclusive) return `a positive ${noun}`;
        if (min === 0 && issue.inclusive) return `a non-negative ${noun}`;
        return `${noun === 'integer' ? 'an' : 'a'} ${noun} ${issue.inclusive ? '>=' : '>'} ${min}`;
      }
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'a non-empty string';
      return `${issue.origin} of size ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    }
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int') {
        return `${described ?? 'a number'} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
      }
      return `${issue.origin} of size ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `a string matching ${issue.pattern ?? issue.format}` : issue.message;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return described ?? (issue.expected === 'int' ? 'an integer' : `a value of type ${issue.expected}`);
    case 'custom':
      // A refinement says what it wants; the field's own schema (a string) would say less.
      return issue.message === 'Invalid input' ? described ?? issue.message : issue.message;
    default:
      return described ?? issue.message;
  }
}

/**
 * Converts zod issues of `schema.safeParse(input)` into {@link SpecIssue}s. An `unrecognized_keys` issue becomes one
 * issue per unknown key, naming the allowed keys and the closest one.
 */
export function formatSpecIssues(
  source: string,
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): SpecIssue[] {
  const result: SpecIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const parent = schemaAt(schema, issue.path);
      const shape = parent?._zod.def.type === 'object' ? (parent._zod.def['shape'] as Record<string, unknown>) : {};
      const allowed = Object.keys(shape);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const hint = closestNames(key, allowed, 1)[0];
        const expected = `no unknown key "${key}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; allowed keys: ${allowed.join(', ')}`;
        const value = valueAt(input, path);
        const message = `${source}: ${formatPath(path)}: got ${previewValue(value)}, expected ${expected}`;
        result.push({ path: formatPath(path), value, expected, message });
      }
      continue;
    }
    const value = valueAt(input, issue.path);
    const expected = expectedFor(issue, schemaAt(schema, issue.path));
    const path = formatPath(issue.path);
    result.push({ path, value, expected, message: `${source}: ${path}: got ${previewValue(value)}, expected ${expected}` });
  }
  return result;
}
