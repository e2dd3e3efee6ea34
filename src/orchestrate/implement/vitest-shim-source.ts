/**
 * @module orchestrate/implement/vitest-shim-source
 * The JavaScript that stands in for `vitest` (and `@jest/globals`) when a repository's own tests run in the sandbox
 * under the project test harness (`project-build/integrate/test-harness-source.ts`): `describe`/`it`/`test` and
 * the hooks queue into the harness's `node:test` shim, and `expect` implements the common matchers (`toBe`,
 * `toEqual`, `toStrictEqual`, `toThrow`, `toContain`, `toHaveLength`, `toBeNull`, `toBeUndefined`, `toBeDefined`,
 * `toBeTruthy`, `toBeFalsy`, `toBeGreaterThan(OrEqual)`, `toBeLessThan(OrEqual)`, `toBeCloseTo`, `toMatch`,
 * `toMatchObject`, with `.not`, and `.resolves`/`.rejects`) plus `vi.fn`. A test that calls something the shim
 * lacks fails with a message naming it, never passes. The harness loads the shim before any project file, and the
 * shim keeps its own references to `Object.is` and `util.isDeepStrictEqual`; code under test in the same process
 * can still reach other globals, which is why these tests can only reject (decision 027).
 *
 * Test files with no `vitest`/`@jest/globals`/`node:test` import get the globals from this module (vitest's
 * `globals: true`, Jest).
 */

/** Path of the shim inside the sandbox work folder (beside the harness files). */
export const VITEST_SHIM_PATH = 'zerr-harness/vitest.js';

/** What a test file without an import of its framework gets from the shim, as globals. */
export const VITEST_GLOBALS = ['describe', 'it', 'test', 'expect', 'vi', 'jest', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach'] as const;

/** The shim's source (an ES module importing the harness's `node:test` shim). */
export const VITEST_SHIM_SOURCE = `import { isDeepStrictEqual as utilDeepEqual, inspect } from 'node:util';
// Captured when the harness preloads this module, before any project code runs: code under test that later replaces
// Object.is or util.isDeepStrictEqual does not change what these compare with.
const objectIs = Object.is;
const isDeepStrictEqual = utilDeepEqual;
import { test as queueTest, describe as queueDescribe, before, after } from './node-test.js';
const eachHooks = { before: [], after: [] };
const withHooks = (fn) => async () => { for (const hook of eachHooks.before) await hook(); try { await fn(); } finally { for (const hook of eachHooks.after) await hook(); } };
export const test = (name, a, b) => queueTest(name, withHooks(typeof a === 'function' ? a : b));
test.skip = () => undefined;
test.todo = () => undefined;
test.only = test;
test.each = (rows) => (name, fn) => rows.forEach((row, i) => test(String(name).replace('%s', String(row)).replace('%i', String(i)), () => (Array.isArray(row) ? fn(...row) : fn(row))));
export const it = test;
export const describe = (name, fn) => queueDescribe(name, fn);
describe.skip = () => undefined;
describe.only = describe;
describe.each = (rows) => (name, fn) => rows.forEach((row) => describe(String(name).replace('%s', String(row)), () => (Array.isArray(row) ? fn(...row) : fn(row))));
export const beforeAll = (fn) => before(fn);
export const afterAll = (fn) => after(fn);
export const beforeEach = (fn) => { eachHooks.before.push(fn); };
export const afterEach = (fn) => { eachHooks.after.push(fn); };
function show(value) { try { return inspect(value, { depth: 4, breakLength: Infinity }); } catch { return String(value); } }
function withoutUndefined(value) {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]));
}
function matchesObject(actual, expected) {
  if (expected === null || typeof expected !== 'object') return objectIs(actual, expected) || isDeepStrictEqual(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesObject(actual[i], e));
  return Object.keys(expected).every((key) => matchesObject(actual[key], expected[key]));
}
function thrown(fn) {
  if (typeof fn !== 'function') throw new Error('expect(...).toThrow() needs a function');
  try { fn(); } catch (error) { return { error }; }
  return undefined;
}
function throwMatches(error, expected) {
  if (expected === undefined) return true;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof expected === 'string') return message.includes(expected);
  if (expected instanceof RegExp) return expected.test(message);
  if (typeof expected === 'function') return error instanceof expected;
  if (expected instanceof Error) return message === expected.message;
  return false;
}
const MATCHERS = {
  toBe: (a, e) => [objectIs(a, e), 'to be ' + show(e)],
  toEqual: (a, e) => [isDeepStrictEqual(withoutUndefined(a), withoutUndefined(e)), 'to equal ' + show(e)],
  toStrictEqual: (a, e) => [isDeepStrictEqual(a, e), 'to strictly equal ' + show(e)],
  toBeNull: (a) => [a === null, 'to be null'],
  toBeUndefined: (a) => [a === undefined, 'to be undefined'],
  toBeDefined: (a) => [a !== undefined, 'to be defined'],
  toBeTruthy: (a) => [Boolean(a), 'to be truthy'],
  toBeFalsy: (a) => [!a, 'to be falsy'],
  toBeNaN: (a) => [Number.isNaN(a), 'to be NaN'],
  toBeGreaterThan: (a, e) => [a > e, 'to be greater than ' + show(e)],
  toBeGreaterThanOrEqual: (a, e) => [a >= e, 'to be at least ' + show(e)],
  toBeLessThan: (a, e) => [a < e, 'to be less than ' + show(e)],
  toBeLessThanOrEqual: (a, e) => [a <= e, 'to be at most ' + show(e)],
  toBeCloseTo: (a, e, digits = 2) => [Math.abs(a - e) < Math.pow(10, -digits) / 2, 'to be close to ' + show(e)],
  toContain: (a, e) => [a != null && typeof a.includes === 'function' && a.includes(e), 'to contain ' + show(e)],
  toContainEqual: (a, e) => [Array.isArray(a) && a.some((x) => isDeepStrictEqual(x, e)), 'to contain an element equal to ' + show(e)],
  toHaveLength: (a, e) => [a != null && a.length === e, 'to have length ' + show(e)],
  toHaveProperty: (a, key, value) => [a != null && key in Object(a) && (value === undefined || isDeepStrictEqual(a[key], value)), 'to have property ' + show(key)],
  toMatch: (a, e) => [typeof a === 'string' && (e instanceof RegExp ? e.test(a) : a.includes(e)), 'to match ' + show(e)],
  toMatchObject: (a, e) => [matchesObject(a, e), 'to match object ' + show(e)],
  toBeInstanceOf: (a, e) => [a instanceof e, 'to be an instance of ' + (e && e.name)],
  toThrow: (fn, e) => { const t = thrown(fn); return [t !== undefined && throwMatches(t.error, e), 'to throw' + (e === undefined ? '' : ' ' + show(e))]; },
  toHaveBeenCalled: (a) => [a && a.mock && a.mock.calls.length > 0, 'to have been called'],
  toHaveBeenCalledTimes: (a, n) => [a && a.mock && a.mock.calls.length === n, 'to have been called ' + n + ' times'],
  toHaveBeenCalledWith: (a, ...args) => [a && a.mock && a.mock.calls.some((c) => isDeepStrictEqual(c, args)), 'to have been called with ' + show(args)],
};
MATCHERS.toThrowError = MATCHERS.toThrow;
function assertion(actual, negated, mode) {
  const target = {};
  for (const [name, matcher] of Object.entries(MATCHERS)) {
    target[name] = (...expected) => {
      const check = (value) => {
        const [ok, words] = matcher(value, ...expected);
        if (Boolean(ok) === negated) throw new Error('expected ' + show(value) + (negated ? ' not ' : ' ') + words);
      };
      if (mode === 'resolves') return Promise.resolve(actual).then(check);
      if (mode === 'rejects') return Promise.resolve(actual).then(() => { throw new Error('expected the promise to reject'); }, (error) => check(name.startsWith('toThrow') ? () => { throw error; } : error));
      check(actual);
      return undefined;
    };
  }
  return new Proxy(target, {
    get(object, key) {
      if (key === 'not') return assertion(actual, !negated, mode);
      if (key === 'resolves' || key === 'rejects') return assertion(actual, negated, key);
      if (key === 'then') return undefined;
      if (typeof key === 'string' && !(key in object)) return () => { throw new Error('expect(...).' + key + ' is not supported by zerr\\'s test shim'); };
      return object[key];
    },
  });
}
export function expect(actual) { return assertion(actual, false, undefined); }
expect.assertions = () => undefined;
expect.hasAssertions = () => undefined;
export const vi = {
  fn(impl) {
    const mock = { calls: [], results: [] };
    let current = impl;
    const f = (...args) => { mock.calls.push(args); const value = current ? current(...args) : undefined; mock.results.push({ type: 'return', value }); return value; };
    f.mock = mock;
    f.mockImplementation = (next) => { current = next; return f; };
    f.mockReturnValue = (value) => { current = () => value; return f; };
    return f;
  },
};
export const jest = vi;
export default test;
`;
