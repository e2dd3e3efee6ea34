/**
 * @module task-spec/checks/test-cases
 * Visible test cases checked against the signature: as many arguments as inputs, each argument (and `expected`)
 * a value of its declared type, and no `NaN` expected (it never equals a result in a test; a postcondition such
 * as `Number.isNaN(result)` says it).
 */
import { messagePatternProblem } from '../message-pattern.js';
import type { SpecIssue } from '../spec-validation-error.js';
import { expectsThrow, type Comparator, type Language, type Parameter, type TaskSpec, type TestCase } from '../task-spec.js';
import type { TypeRef } from '../type-ref-model.js';
import { isIntegerText, writtenBytes } from '../written-values.js';
import { previewSpecValue, specIssue } from './issue.js';

/** Words for a type: `a number`, `a list of integers`. */
export function describeType(type: TypeRef): string {
  switch (type.kind) {
    case 'number':
      return 'a number';
    case 'integer':
      return 'an integer';
    case 'float':
      return 'a number (float)';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return type.undefined === true ? 'null (passed as undefined)' : 'null';
    case 'any':
      return 'any value';
    case 'bigint':
      return 'an integer (a bigint: beyond 2^53 write it as a string of digits, "12345678901234567890")';
    case 'bytes':
      return 'bytes (a string, taken as its UTF-8 bytes, or a list of integers 0-255)';
    case 'date':
      return 'a date (an ISO 8601 string, "2024-02-29T12:00:00Z", or milliseconds since 1970)';
    case 'array':
      return type.container === undefined ? 'a list' : `a list (passed as a ${type.container})`;
    case 'tuple':
      return `a list of ${type.elements.length} element${type.elements.length === 1 ? '' : 's'} (a tuple)`;
    case 'record':
      return type.container === 'map' ? 'a mapping (object; passed as a Map)' : 'a mapping (object)';
    case 'object':
      return `an object with keys ${type.fields.map((f) => `${f.name}${f.optional ? '?' : ''}`).join(', ') || '(none)'}`;
    case 'union':
      return type.members.map(describeType).join(' or ');
    case 'optional':
      return `${describeType(type.inner)} or null`;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const acceptsNull = (type: TypeRef): boolean => type.kind === 'null' || type.kind === 'optional' || type.kind === 'any';

/**
 * Why `value` is not a value of `type`, as `element 1: got "a", expected a number`, or undefined when it is.
 * Values nest at most as deep as the loader allows (64 levels), so the recursion is bounded.
 */
export function valueMismatch(value: unknown, type: TypeRef, at = ''): string | undefined {
  const fail = (): string => `${at === '' ? '' : `${at}: `}got ${previewSpecValue(value)}, expected ${describeType(type)}`;
  switch (type.kind) {
    case 'any':
      return undefined;
    case 'number':
    case 'float':
      return typeof value === 'number' ? undefined : fail();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : fail();
    case 'bigint':
      return (typeof value === 'number' && Number.isSafeInteger(value)) || isIntegerText(value) ? undefined : fail();
    case 'bytes':
      return writtenBytes(value) === undefined ? fail() : undefined;
    case 'date':
      return (typeof value === 'string' && !Number.isNaN(Date.parse(value))) || (typeof value === 'number' && Number.isFinite(value)) ? undefined : fail();
    case 'string':
      return typeof value === 'string' ? undefined : fail();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : fail();
    case 'null':
      return value === null || value === undefined ? undefined : fail();
    case 'optional':
      return value === null || value === undefined ? undefined : valueMismatch(value, type.inner, at);
    case 'union':
      return type.members.some((member) => valueMismatch(value, member) === undefined) ? undefined : fail();
    case 'array': {
      if (!Array.isArray(value)) return fail();
      for (const [index, item] of value.entries()) {
        const inner = valueMismatch(item, type.element, `${at}${at === '' ? '' : ' '}element ${index}`);
        if (inner !== undefined) return inner;
      }
      return undefined;
    }
    case 'tuple': {
      if (!Array.isArray(value)) return fail();
      let required = type.elements.length;
      while (required > 0 && acceptsNull(type.elements[required - 1] as TypeRef)) required -= 1;
      if (value.length < required || value.length > type.elements.length) return fail();
      for (const [index, item] of value.entries()) {
        const inner = valueMismatch(item, type.elements[index] as TypeRef, `${at}${at === '' ? '' : ' '}element ${index}`);
        if (inner !== undefined) return inner;
      }
      return undefined;
    }
    case 'record': {
      if (!isPlainObject(value)) return fail();
      for (const [key, item] of Object.entries(value)) {
        const inner = valueMismatch(item, type.value, `${at}${at === '' ? '' : ' '}key ${JSON.stringify(key)}`);
        if (inner !== undefined) return inner;
      }
      return undefined;
    }
    case 'object': {
      if (!isPlainObject(value)) return fail();
      const known = new Set(type.fields.map((field) => field.name));
      const extra = Object.keys(value).find((key) => !known.has(key));
      if (extra !== undefined) return `${at}${at === '' ? '' : ' '}key ${JSON.stringify(extra)}: not a key of ${describeType(type)}`;
      for (const field of type.fields) {
        const where = `${at}${at === '' ? '' : ' '}key ${JSON.stringify(field.name)}`;
        if (!Object.hasOwn(value, field.name)) {
          if (field.optional || acceptsNull(field.type)) continue;
          return `${where}: missing, expected ${describeType(field.type)}`;
        }
        const inner = valueMismatch(value[field.name], field.type, where);
        if (inner !== undefined) return inner;
      }
      return undefined;
    }
  }
}

/** The path of the first NaN inside `value` (`''` for `value` itself), walked with an explicit stack. */
function nanPath(value: unknown): string | undefined {
  const stack: { readonly node: unknown; readonly path: string }[] = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as (typeof stack)[number];
    if (typeof node === 'number' && Number.isNaN(node)) return path;
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) stack.push({ node: child, path: `${path}.${key}` });
  }
  return undefined;
}

/**
 * How a parameter's description marks it as one a call may leave out, as the importers write it: TypeScript `s?`
 * (`optional`), a default value (`default: 1`), a rest parameter (`rest parameter`, Python `variadic positional
 * parameter (*args)`) or `**kwargs` (`variadic keyword parameter (**kwargs)`).
 */
const OMITTABLE = /^(optional\b|default: |rest parameter|variadic (positional|keyword) parameter)/;
/** A rest parameter: a call may pass any number of arguments in its place. */
const REST = /^(rest parameter|variadic positional parameter)/;

/** How many arguments a call may pass: from the last input that cannot be left out, to all (or any, with a rest input). */
function arity(inputs: readonly Parameter[]): { readonly min: number; readonly max: number; readonly rest: number | undefined } {
  let min = inputs.length;
  while (min > 0 && OMITTABLE.test(inputs[min - 1]?.description ?? '')) min -= 1;
  const last = inputs.length - 1;
  const rest = last >= 0 && REST.test(inputs[last]?.description ?? '') ? last : undefined;
  const keywordOnly = last >= 0 && /^variadic keyword parameter/.test(inputs[last]?.description ?? '');
  return { min, max: rest !== undefined ? Number.POSITIVE_INFINITY : keywordOnly ? last : inputs.length, rest };
}

const listLike = (type: TypeRef | null): boolean =>
  type === null || type.kind === 'array' || type.kind === 'tuple' || type.kind === 'any' || (type.kind === 'optional' && listLike(type.inner));

/** What is called: a function's signature, a method, or (with no inputs) a field read. */
export interface Callable {
  /** What is called, for messages: `the signature`, `method push`. */
  readonly what: string;
  /** Parameters, in order. */
  readonly inputs: readonly Parameter[];
  /** The declared result type (text) and its comparator. */
  readonly output: { readonly type: string; readonly compare?: Comparator | undefined };
  /** The parsed types: inputs in order and the output, `null` where the declared type is invalid (reported elsewhere). */
  readonly types: { readonly inputs: readonly (TypeRef | null)[]; readonly output: TypeRef | null };
}

/** One call to check: its field path (`testCases.2`, `sequences.0.steps.1`), where its arguments are, and what it expects. */
export interface CallTest {
  readonly path: string;
  /** The key of the arguments under `path`: `inputs` (a test case), `args` (a step) or `construct` (a sequence's constructor call). */
  readonly argsKey: 'inputs' | 'args' | 'construct';
  readonly args: readonly unknown[];
  readonly test: Pick<TestCase, 'expected' | 'expectThrows' | 'throws' | 'compare' | 'tolerance'>;
}

/**
 * Issues of `tests` against `callable`: the arity, each argument of its declared type, an expected value of the output
 * type and not NaN, and the comparison (see {@link checkTestCases}).
 */
export function checkCallTests(language: Language, source: string, callable: Callable, tests: readonly CallTest[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const parameters = callable.inputs;
  const { types } = callable;
  const signature = parameters.map((p) => `${p.name}: ${p.type}`).join(', ');
  const { min, max, rest } = arity(parameters);
  const outputCompare = callable.output.compare;
  const count = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
  for (const { path, argsKey, args, test } of tests) {
    if (args.length < min || args.length > max) {
      const expected = `${count} argument${max === 1 ? '' : 's'} (${signature || `${callable.what} has no inputs`})`;
      issues.push(specIssue(source, `${path}.${argsKey}`, args, expected, `${args.length} argument${args.length === 1 ? '' : 's'} ${previewSpecValue(args)}`));
      continue;
    }
    for (const [position, parameter] of parameters.entries()) {
      if (position >= args.length || position === rest) break;
      const type = types.inputs[position];
      if (type === null || type === undefined) continue;
      const value = args[position];
      const mismatch = valueMismatch(value, type);
      if (mismatch !== undefined) {
        issues.push(specIssue(source, `${path}.${argsKey}.${position}`, value, `${describeType(type)} for ${parameter.name}: ${parameter.type} (${mismatch})`));
      }
    }
    issues.push(...checkComparison(source, path, test, callable.output.type, listLike(types.output)));
    if (test.expected === undefined || expectsThrow(test)) continue;
    const nan = nanPath(test.expected);
    if (nan !== undefined) {
      const check = language === 'python' ? 'math.isnan(result)' : 'Number.isNaN(result)';
      issues.push(specIssue(source, `${path}.expected${nan}`, Number.NaN, `a value other than NaN (NaN never equals a result in a test; state it as a postcondition, e.g. ${check})`));
      continue;
    }
    if (types.output === null || (test.compare ?? outputCompare) === 'partial') continue; // a pattern may leave keys out
    const mismatch = valueMismatch(test.expected, types.output);
    if (mismatch !== undefined) {
      issues.push(specIssue(source, `${path}.expected`, test.expected, `${describeType(types.output)} for the output type ${callable.output.type} (${mismatch})`));
    }
  }
  return issues;
}

/**
 * Issues of `spec.testCases` against the signature. `types` are the parsed input types and output type; a `null`
 * entry (an invalid type, reported elsewhere) is not checked.
 */
export function checkTestCases(
  spec: TaskSpec,
  source: string,
  types: { readonly inputs: readonly (TypeRef | null)[]; readonly output: TypeRef | null },
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const outputCompare = spec.signature.output.compare;
  if ((outputCompare === 'unordered' || outputCompare === 'set') && !listLike(types.output)) {
    issues.push(specIssue(source, 'signature.output.compare', outputCompare, `'exact' or 'partial' for the output type ${spec.signature.output.type} ('${outputCompare}' compares lists)`));
  }
  const callable: Callable = { what: 'the signature', inputs: spec.signature.inputs, output: spec.signature.output, types };
  issues.push(...checkCallTests(spec.language, source, callable, spec.testCases.map((test, index) => ({ path: `testCases.${index}`, argsKey: 'inputs' as const, args: test.inputs, test }))));
  return issues;
}

/**
 * Issues of the comparison of the test at `path`: an expected exception with an expected value too, a message
 * pattern that is not a regular expression, `unordered` or `set` for an output that is not a list.
 */
function checkComparison(source: string, path: string, test: CallTest['test'], outputType: string, outputIsList: boolean): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (test.throws !== undefined && test.expected !== undefined) {
    issues.push(specIssue(source, `${path}.expected`, test.expected, 'no expected value in a test that expects an exception (throws)'));
  }
  const pattern = test.throws?.message;
  const problem = pattern === undefined ? undefined : messagePatternProblem(pattern);
  if (problem !== undefined) {
    issues.push(specIssue(source, `${path}.throws.message`, pattern, `a regular expression in RE2 syntax (${problem})`));
  }
  if ((test.compare === 'unordered' || test.compare === 'set') && !outputIsList) {
    issues.push(specIssue(source, `${path}.compare`, test.compare, `'exact' or 'partial' for the output type ${outputType} ('${test.compare}' compares lists)`));
  }
  return issues;
}
