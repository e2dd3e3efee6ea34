/**
 * @module sandbox/harness/node-harness
 * Source of the JavaScript harness that runs a candidate inside the sandbox (as `harness.cjs`, under node's
 * permission model). Protocol: stdin carries the nonce line; argv[2] names the JSON input file
 * `{ code, entryPoint, calls, perCallTimeoutMs }` (calls in the tagged encoding of `value-encoding.ts`); the harness
 * writes exactly one line `<nonce>{...}` to stdout: `{"kind":"ran","outcomes":[...]}` or
 * `{"kind":"load-error","errorType","message"}`.
 *
 * The candidate is evaluated as a classic script in a fresh `vm` context (so `function f` and `const f = ...`
 * globals are both found by evaluating the entry point name; CommonJS `exports.f` from transpiled `export`s is found
 * too). Arguments are decoded inside the context so they are the context's own arrays and objects. Sync loops are
 * stopped by the vm `timeout`; returned promises race a timer. `vm` is not a security boundary: bubblewrap is.
 */
export const NODE_HARNESS_SOURCE = String.raw`'use strict';
const fs = require('fs');
const vm = require('vm');
const MAX_MESSAGE = 500;
const nonce = fs.readFileSync(0, 'utf8').split('\n')[0].trim();
const input = JSON.parse(fs.readFileSync(process.argv[2] || 'input.json', 'utf8'));
const perCall = Math.max(1, input.perCallTimeoutMs | 0);

function emit(result) {
  const line = '\n' + nonce + JSON.stringify(result) + '\n';
  process.stdout.write(line, () => process.exit(0));
}
function text(value) {
  try { return String(value).slice(0, MAX_MESSAGE); } catch (e) { return '<unprintable>'; }
}
function describeError(error) {
  if (error && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { kind: 'timeout' };
  let errorType = 'NonErrorThrown';
  let message = '';
  try {
    if (error !== null && (typeof error === 'object' || typeof error === 'function') && typeof error.name === 'string') {
      errorType = error.name || 'Error';
      message = text(error.message);
    } else {
      message = text(error);
    }
  } catch (e) { message = '<unreadable error>'; }
  return { kind: 'error', errorType: errorType, message: message };
}
function encode(value, depth) {
  if (depth > 1000) throw new TypeError('result nested too deeply');
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { $zerr: 'nan' };
      if (value === Infinity) return { $zerr: 'inf' };
      if (value === -Infinity) return { $zerr: '-inf' };
      if (Object.is(value, -0)) return { $zerr: '-0' };
      return value;
    case 'bigint': return { $zerr: 'bigint', v: value.toString() };
    case 'undefined': return { $zerr: 'undefined' };
    case 'string': case 'boolean': return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return Array.from(value, (v) => encode(v, depth + 1));
      const tag = Object.prototype.toString.call(value);
      if (tag === '[object Set]') return Array.from(value, (v) => encode(v, depth + 1));
      if (tag === '[object Map]') return Array.from(value, (e) => [encode(e[0], depth + 1), encode(e[1], depth + 1)]);
      if (tag === '[object Date]') return value.toISOString();
      if (tag === '[object Number]' || tag === '[object String]' || tag === '[object Boolean]') return encode(value.valueOf(), depth + 1);
      const out = {};
      for (const key of Object.keys(value)) out[key] = encode(value[key], depth + 1);
      return out;
    }
    default: throw new TypeError('cannot serialize a result of type ' + typeof value);
  }
}

const moduleObject = { exports: {} };
const globals = {
  console: { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error },
  module: moduleObject,
  exports: moduleObject.exports,
  require: function (name) { throw new Error("Cannot import '" + String(name) + "': candidates run without modules"); },
};
const context = vm.createContext(globals, { name: 'candidate', codeGeneration: { strings: true, wasm: false } });
const invoke = vm.runInContext(
  '(function (parse, isArray, keys) {' +
  '  function decode(d) {' +
  '    if (isArray(d)) { const out = []; for (let i = 0; i < d.length; i++) out.push(decode(d[i])); return out; }' +
  '    if (d === null || typeof d !== "object") return d;' +
  '    const k = keys(d);' +
  '    if (typeof d.$zerr === "string" && k.length <= 2) {' +
  '      switch (d.$zerr) { case "nan": return NaN; case "inf": return Infinity; case "-inf": return -Infinity;' +
  '        case "-0": return -0; case "undefined": return undefined; case "bigint": return BigInt(d.v); }' +
  '    }' +
  '    const o = {}; for (const key of k) o[key] = decode(d[key]); return o;' +
  '  }' +
  '  return function (fn, argsJson) { return fn.apply(undefined, decode(parse(argsJson))); };' +
  '})(JSON.parse, Array.isArray, Object.keys)',
  context,
);
const callScript = new vm.Script('globalThis.__zerr_invoke(globalThis.__zerr_fn, globalThis.__zerr_args)', { filename: 'zerr-call.js' });

function findEntry(name) {
  try {
    const found = vm.runInContext('typeof ' + name + ' === "function" ? ' + name + ' : undefined', context, { timeout: perCall });
    if (typeof found === 'function') return found;
  } catch (e) { /* not a global */ }
  const exported = [moduleObject.exports && moduleObject.exports[name], globals.exports[name], moduleObject.exports,
    moduleObject.exports && moduleObject.exports.default];
  for (const candidate of exported) if (typeof candidate === 'function') return candidate;
  return undefined;
}

async function main() {
  try {
    new vm.Script(input.code, { filename: 'candidate.js' }).runInContext(context, { timeout: perCall });
  } catch (error) {
    const described = describeError(error);
    if (described.kind === 'timeout') return emit({ kind: 'load-error', errorType: 'Timeout', message: 'loading the candidate took longer than ' + perCall + ' ms' });
    return emit({ kind: 'load-error', errorType: described.errorType, message: described.message });
  }
  const fn = findEntry(input.entryPoint);
  if (fn === undefined) {
    return emit({ kind: 'load-error', errorType: 'EntryPointNotFound', message: "entry point '" + input.entryPoint + "' is not defined as a function" });
  }
  const outcomes = [];
  for (const args of input.calls) {
    globals.__zerr_invoke = invoke;
    globals.__zerr_fn = fn;
    globals.__zerr_args = JSON.stringify(args);
    let result;
    try {
      result = callScript.runInContext(context, { timeout: perCall });
      if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
        let timer;
        const EXPIRED = {};
        const expiry = new Promise((resolve) => { timer = setTimeout(() => resolve(EXPIRED), perCall); });
        result = await Promise.race([Promise.resolve(result), expiry]);
        clearTimeout(timer);
        if (result === EXPIRED) { outcomes.push({ kind: 'timeout' }); continue; }
      }
    } catch (error) {
      outcomes.push(describeError(error));
      continue;
    }
    try {
      outcomes.push({ kind: 'value', value: encode(result, 0) });
    } catch (error) {
      outcomes.push({ kind: 'error', errorType: 'UnserializableResult', message: text(error && error.message) });
    }
  }
  emit({ kind: 'ran', outcomes: outcomes });
}
main().catch((error) => emit({ kind: 'load-error', errorType: 'HarnessError', message: text(error && error.stack) }));
`;
