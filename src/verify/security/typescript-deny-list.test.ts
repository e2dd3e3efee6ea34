import fc from 'fast-check';
import { ts } from '../../task-spec/typescript-api.js';
import { describe, expect, test } from 'vitest';
import { findDeniedTypeScript } from './typescript-deny-list.js';
import { collectConstInitializers, staticString } from './typescript-static-string.js';

const rules = (code: string): string[] => findDeniedTypeScript(code).map((f) => f.rule);

/** [name, code, a rule it must raise]. */
const DENIED: readonly (readonly [string, string, string])[] = [
  ['Object.getPrototypeOf', 'const p = Object.getPrototypeOf(f);', 'deny/get-prototype-of'],
  ['Reflect.getPrototypeOf by reference', 'const g = Reflect.getPrototypeOf;', 'deny/get-prototype-of'],
  ['Object.setPrototypeOf on a local', 'Object.setPrototypeOf(o, null);', 'deny/set-prototype-of'],
  ['.constructor.constructor', 'const F = f.constructor.constructor;', 'deny/constructor'],
  ["['constructor']", "const F = f['constructor'];", 'deny/constructor'],
  ['template key', 'const F = f[`constr${"uc"}tor`];', 'deny/constructor'],
  ['fromCharCode key', 'const F = f[String.fromCharCode(99, 111, 110, 115, 116, 114, 117, 99, 116, 111, 114)];', 'deny/constructor'],
  ['atob key', "const F = f[atob('Y29uc3RydWN0b3I=')];", 'deny/constructor'],
  ['const key', "const K = 'constr'.concat('uctor'); const F = f[K];", 'deny/constructor'],
  ['destructured constructor', 'const { constructor } = f;', 'deny/constructor'],
  ['optional-chained constructor', 'const F = f?.constructor;', 'deny/constructor'],
  ['__proto__ in a literal', "const o = { '__proto__': null };", 'deny/proto'],
  ['__defineGetter__', "o.__defineGetter__('x', g);", 'deny/proto'],
  ['globalThis[k]', 'const v = globalThis[k];', 'deny/computed-member'],
  ['self[k] (self not bound)', 'const v = self[k];', 'deny/computed-member'],
  ['this[k]', 'function g(this: any, k: string) { return this[k]; }', 'deny/computed-member'],
  ['function[k]', 'function g() { return 1; }\nconst v = (g as any)[k];', 'deny/computed-member'],
  ['arrow[k]', 'const v = (() => 0 as any)[k];', 'deny/computed-member'],
  ['Object[k]', 'const v = (Object as any)[k];', 'deny/computed-member'],
  ['globalThis["ev" + "al"]', 'const e = globalThis["ev" + "al"];', 'deny/eval'],
  ['globalThis.process', 'const p = globalThis.process;', 'deny/process'],
  ['globalThis as a value', 'const g = globalThis;', 'deny/global-object'],
  ['spread of globalThis', 'const g = { ...globalThis };', 'deny/global-object'],
  ['process as a value', 'const p = process;', 'deny/process'],
  ['ambient process does not shadow', 'declare const process: any;\nconst p = process;', 'deny/process'],
  ['module', 'const m = module;', 'deny/module'],
  ['require as a value', 'const r = require;', 'deny/require'],
  ['require.cache', 'const c = require.cache;', 'deny/require'],
  ['require of a folded name', "const cp = require('child_' + 'process');", 'deny/child-process'],
  ['Reflect.construct', 'const o = Reflect.construct(C, []);', 'deny/reflect-construct'],
  ["Reflect.get(f, 'constructor')", "const F = Reflect.get(f, 'constructor');", 'deny/reflect-key'],
  ['Reflect.get(globalThis, k)', 'const v = Reflect.get(globalThis, k);', 'deny/computed-member'],
  ['Object.getOwnPropertyDescriptor of __proto__', "const d = Object.getOwnPropertyDescriptor(o, '__proto__');", 'deny/reflect-key'],
  ['defineProperty on any prototype', "Object.defineProperty(C.prototype, 'x', { value: 1 });", 'deny/pollution'],
  ['defineProperty on a built-in', "Object.defineProperty(Math, 'max', { value: 1 });", 'deny/pollution'],
  ['assigning a built-in static', 'Math.random = () => 4;', 'deny/pollution'],
  ['Error.prepareStackTrace', 'Error.prepareStackTrace = (e: unknown, s: unknown) => s;', 'deny/stack-trace'],
  ['arguments.callee', 'function g() { return arguments.callee; }', 'deny/caller'],
  ['f.caller', 'const c = (f as any).caller;', 'deny/caller'],
  ['with', 'with (o) { x = 1; }', 'deny/with'],
  ['setTimeout with a string', "setTimeout('x()', 0);", 'deny/timer-string'],
  ['WebAssembly', 'const m = WebAssembly.compile(bytes);', 'deny/webassembly'],
  ['unicode-escaped eval', 'const v = \\u0065val("1");', 'deny/eval'],
];

/** Ordinary code next to the denied forms: no finding. */
const ALLOWED: readonly (readonly [string, string])[] = [
  ['comparing a constructor', 'const plain = v.constructor === Object || v.constructor !== Array;'],
  ['reading a constructor name', 'const n = v.constructor.name;'],
  ['typeof a constructor', "const t = typeof v.constructor === 'function';"],
  ['class constructors', 'class P { constructor(readonly x: number) {} }'],
  ['memo keys built from variables', "const k = i + ',' + j; memo[k] = (memo[k] ?? 0) + 1;"],
  ['array and string indexing', 'const v = grid[i]![j]! + s[i]!.charCodeAt(0) + "0123456789abcdef"[n % 16]!;'],
  ['this with a literal member', 'class C { x = 1; get(): number { return this["x"] + this.x; } }'],
  ['a local named process', 'function process(xs: number[]): number { return xs.length; }\nconst n = process([1]);'],
  ['a local named self', 'const self = { v: 1 }; const v = self["v"] + self.v;'],
  ['Object.keys / entries / assign to a fresh object', 'const o = Object.assign({}, a, Object.fromEntries(Object.entries(b)));'],
  ['Reflect.has with a literal key', "const h = Reflect.has(o, 'x');"],
  ['globalThis with a literal ordinary member', 'const m = globalThis.Math.max(1, 2);'],
  ['setTimeout with a function', 'setTimeout(() => undefined, 0);'],
  ['words in strings', 'const s = "constructor __proto__ process.env globalThis[k]";'],
  ['Error.captureStackTrace in an error class', 'class E extends Error { constructor() { super("x"); Error.captureStackTrace(this, E); } }'],
];

describe('TypeScript deny list', () => {
  test.each(DENIED)('denies %s', (_name, code, rule) => {
    expect(rules(code)).toContain(rule);
  });

  test.each(ALLOWED)('allows %s', (_name, code) => {
    expect(findDeniedTypeScript(code)).toEqual([]);
  });

  test('a finding names its line', () => {
    const findings = findDeniedTypeScript('const a = 1;\nconst b = 2;\nconst p = Object.getPrototypeOf(a);\n');
    expect(findings[0]).toMatchObject({ line: 3, rule: 'deny/get-prototype-of', severity: 'error' });
    expect(findings[0]?.message).toMatch(/^Object\.getPrototypeOf is not allowed \(/);
  });
});

describe('static string folding', () => {
  const foldIn = (source: string): string | undefined => {
    const file = ts.createSourceFile('/f.ts', source, ts.ScriptTarget.ES2022, true);
    const last = file.statements[file.statements.length - 1];
    if (last === undefined || !ts.isExpressionStatement(last)) throw new Error('no expression statement');
    return staticString(last.expression, { consts: collectConstInitializers(file) });
  };

  test('literals, templates, concatenation, array joins, char codes and consts fold; variables do not', () => {
    expect(foldIn("'a' + 'b' + 1;")).toBe('ab1');
    expect(foldIn('1 + 2;')).toBe('3');
    expect(foldIn("`x${'y'}z`;")).toBe('xyz');
    expect(foldIn("['c', 'b', 'a'].reverse().join('');")).toBe('abc');
    expect(foldIn("'rotcurtsnoc'.split('').reverse().join('');")).toBe('constructor');
    expect(foldIn('String.fromCharCode(104, 105);')).toBe('hi');
    expect(foldIn("const A = 'pro'; const B = A + 'to'; B + 'type';")).toBe('prototype');
    expect(foldIn("let A = 'pro'; A + 'to';")).toBeUndefined();
    expect(foldIn("const A = 'x'; const A2 = y; A2 + A;")).toBeUndefined();
    expect(foldIn("x + 'a';")).toBeUndefined();
  });

  test('property: a string split into literal pieces and concatenated folds back to itself', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 6 }), (text, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const pieces: string[] = [];
      let from = 0;
      for (const point of [...points, text.length]) {
        pieces.push(text.slice(from, point));
        from = point;
      }
      expect(foldIn(`${pieces.map((p) => JSON.stringify(p)).join(' + ')};`)).toBe(text);
    }), { seed: 42, numRuns: 200 });
  });
});
