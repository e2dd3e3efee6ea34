/**
 * @module sandbox/harness/node-harness
 * Source of the JavaScript harness that runs a candidate inside the sandbox (as `harness.cjs`, under node's
 * permission model). Protocol: stdin carries the nonce line; argv[2] names the JSON input file
 * `{ code, entryPoint, calls, perCallTimeoutMs, repeat? }` (calls in the tagged encoding of `value-encoding.ts`);
 * the harness writes exactly one line `<nonce>{...}` to stdout: `{"kind":"ran","outcomes":[...]}` or
 * `{"kind":"load-error","errorType","message"}`. With `repeat` (an integer >= 1) each call runs `repeat` times and
 * every outcome carries `timesMs`, the wall time of each repetition (`performance.now()` around the call, ms);
 * the outcome reported is the first repetition's, and repetitions stop at the first throw or timeout.
 *
 * The candidate is evaluated as a classic script in a fresh `vm` context (so `function f` and `const f = ...`
 * globals are both found by evaluating the entry point name; CommonJS `exports.f` from transpiled `export`s is found
 * too). The context is sealed off from the harness (hostile-corpus finding): its global is a null-prototype object,
 * and `console`, `module`, `exports`, `require`, argument decoding and promise settling are all created inside the
 * context, so no host object or host function is reachable from candidate code. Before this, `console.log`, the
 * global object and `module.exports` were host objects: `console.log.constructor('return process')()` reached the
 * harness's `process`, letting a candidate pollute the harness's `Array.prototype` or rewrite
 * `process.stdout.write` to forge its results and timings. Sync loops are stopped by the vm `timeout`; returned
 * thenables race a timer. `vm` is still not a security boundary: bubblewrap is.
 */
export const NODE_HARNESS_SOURCE = String.raw`'use strict';
const fs = require('fs');
const vm = require('vm');
const MAX_MESSAGE = 500;
const nonce = fs.readFileSync(0, 'utf8').split('\n')[0].trim();
const input = JSON.parse(fs.readFileSync(process.argv[2] || 'input.json', 'utf8'));
const perCall = Math.max(1, input.perCallTimeoutMs | 0);
const repeat = input.repeat === undefined ? 0 : Math.max(1, input.repeat | 0);
const now = performance.now.bind(performance);
// Output goes out synchronously (fs.writeSync, retried on EAGAIN): a flood blocks on the full pipe until the
// engine's output cap kills the run, instead of queueing gigabytes in memory behind an async stream.
function writeAll(fd, text) {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(fs.writeSync(fd, buffer));
    } catch (e) {
      if (!e || e.code !== 'EAGAIN') return;
    }
  }
}

function emit(result) {
  writeAll(1, '\n' + nonce + JSON.stringify(result) + '\n');
  process.exit(0);
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
      errorType = text(error.name) || 'Error';
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
      if (tag === '[object Date]') return String(value.toISOString());
      if (tag === '[object Number]' || tag === '[object String]' || tag === '[object Boolean]') return encode(value.valueOf(), depth + 1);
      const out = {};
      for (const key of Object.keys(value)) out[String(key)] = encode(value[key], depth + 1);
      return out;
    }
    default: throw new TypeError('cannot serialize a result of type ' + typeof value);
  }
}

// Host callbacks handed to the context take and return primitives only, never throw, and are reachable only
// through closures created inside the context (strict code: no .caller / arguments.callee walk back to them).
function hostWrite(fd, s) {
  try { if (typeof s === 'string') writeAll(fd === 2 ? 2 : 1, s + '\n'); } catch (e) { /* ignore */ }
}
let settled;

const context = vm.createContext(Object.create(null), { name: 'candidate', codeGeneration: { strings: true, wasm: false } });
const kit = vm.runInContext(
  '"use strict"; (function (write, settle) {' +
  '  const g = globalThis, parse = JSON.parse, isArray = Array.isArray, keys = Object.keys, stringify = JSON.stringify;' +
  '  function fmt(args) { let s = ""; for (let i = 0; i < args.length; i++) { let p; const a = args[i];' +
  '    try { p = typeof a === "string" ? a : stringify(a); if (typeof p !== "string") p = String(a); } catch (e) { try { p = String(a); } catch (e2) { p = "<unprintable>"; } }' +
  '    s += (i ? " " : "") + p; } return s; }' +
  '  const out = function () { write(1, fmt(arguments)); }, err = function () { write(2, fmt(arguments)); };' +
  '  g.console = { log: out, info: out, debug: out, warn: err, error: err };' +
  '  const moduleObject = { exports: {} };' +
  '  g.module = moduleObject; g.exports = moduleObject.exports;' +
  '  g.require = function (name) { throw new Error("Cannot import \u0027" + String(name) + "\u0027: candidates run without modules"); };' +
  '  function decode(d) {' +
  '    if (isArray(d)) { const out = []; for (let i = 0; i < d.length; i++) out[i] = decode(d[i]); return out; }' +
  '    if (d === null || typeof d !== "object") return d;' +
  '    const k = keys(d);' +
  '    if (typeof d.$zerr === "string" && k.length <= 2) {' +
  '      switch (d.$zerr) { case "nan": return NaN; case "inf": return Infinity; case "-inf": return -Infinity;' +
  '        case "-0": return -0; case "undefined": return undefined; case "bigint": return BigInt(d.v); }' +
  '    }' +
  '    const o = {}; for (const key of k) o[key] = decode(d[key]); return o;' +
  '  }' +
  '  let fn, argsJson, result;' +
  '  return {' +
  '    exportsOf: function () { return moduleObject.exports; },' +
  '    prepare: function (f, a) { fn = f; argsJson = a; result = undefined; },' +
  '    call: function () { result = fn.apply(undefined, decode(parse(argsJson))); },' +
  '    isThenable: function () { try { return result !== null && (typeof result === "object" || typeof result === "function") && typeof result.then === "function"; } catch (e) { return false; } },' +
  '    result: function () { return result; },' +
  '    follow: function () { let done = false;' +
  '      const ok = function (v) { if (!done) { done = true; settle(true, v); } }, bad = function (e) { if (!done) { done = true; settle(false, e); } };' +
  '      try { result.then(ok, bad); } catch (e) { bad(e); } }' +
  '  };' +
  '})',
  context,
)(hostWrite, hostSettle);
// The call runs through a script (so the vm timeout applies) naming a random, non-configurable global: the
// candidate cannot replace it, and the name reveals nothing about the nonce.
const callName = '__zerr_call_' + require('crypto').randomBytes(12).toString('hex');
Object.defineProperty(vm.runInContext('globalThis', context), callName, { value: kit.call, writable: false, configurable: false, enumerable: false });
const callScript = new vm.Script(callName + '()', { filename: 'zerr-call.js' });

function findEntry(name) {
  try {
    const found = vm.runInContext('typeof ' + name + ' === "function" ? ' + name + ' : undefined', context, { timeout: perCall });
    if (typeof found === 'function') return found;
  } catch (e) { /* not a global */ }
  let exported;
  try { exported = kit.exportsOf(); } catch (e) { return undefined; }
  const candidates = [];
  try { candidates.push(exported && exported[name], exported, exported && exported.default); } catch (e) { /* hostile getter */ }
  for (const candidate of candidates) if (typeof candidate === 'function') return candidate;
  return undefined;
}

let wake;
function hostSettle(ok, value) {
  settled = { ok: ok === true, value: value };
  if (wake !== undefined) wake();
}

async function callOnce(fn, argsJson) {
  kit.prepare(fn, argsJson);
  settled = undefined;
  const started = now();
  try {
    callScript.runInContext(context, { timeout: perCall });
  } catch (error) {
    return { outcome: describeError(error), ms: now() - started };
  }
  if (!kit.isThenable()) return { outcome: { kind: 'value', value: kit.result() }, ms: now() - started };
  kit.follow();
  if (settled === undefined) {
    let timer;
    await new Promise((resolve) => { wake = resolve; timer = setTimeout(resolve, Math.max(0, started + perCall - now())); });
    clearTimeout(timer);
    wake = undefined;
  }
  const ms = now() - started;
  if (settled === undefined) return { outcome: { kind: 'timeout' }, ms: ms };
  if (!settled.ok) return { outcome: describeError(settled.value), ms: ms };
  return { outcome: { kind: 'value', value: settled.value }, ms: ms };
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
    const argsJson = JSON.stringify(args);
    const timesMs = [];
    let first;
    for (let r = 0; r < Math.max(1, repeat); r++) {
      const { outcome, ms } = await callOnce(fn, argsJson);
      timesMs.push(ms);
      if (first === undefined) first = outcome;
      if (outcome.kind !== 'value') break;
    }
    let reported = first;
    if (first.kind === 'value') {
      try {
        reported = { kind: 'value', value: encode(first.value, 0) };
      } catch (error) {
        reported = { kind: 'error', errorType: 'UnserializableResult', message: text(error && error.message) };
      }
    }
    outcomes.push(repeat > 0 ? Object.assign({}, reported, { timesMs: timesMs }) : reported);
  }
  emit({ kind: 'ran', outcomes: outcomes });
}
main().catch((error) => emit({ kind: 'load-error', errorType: 'HarnessError', message: text(error && error.stack) }));
`;
