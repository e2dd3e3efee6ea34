/**
 * @module sandbox/harness/node-harness
 * Source of the JavaScript harness that runs a candidate inside the sandbox (as `harness.cjs`, under node's
 * permission model), interactively: it only computes results; it never decides a verdict.
 *
 * Protocol (one JSON document per line; see `sandbox-candidate-runner.ts`):
 * - in: `{"code","entryPoint","perCallTimeoutMs","returnArguments"}`; out: `{"k":"ready"}` or
 *   `{"k":"load-error","errorType","message"}`;
 * - then per call, in: `{"args":[...tagged...]}`; out: `{"k":"value","v":<tagged>,"a"?:<tagged arguments after the
 *   call>}`, `{"k":"error","errorType","message"}` or `{"k":"timeout"}`. The host times each exchange itself.
 *
 * The candidate is evaluated as a classic script in a fresh `vm` context with its own microtask queue
 * (`microtaskMode: 'afterEvaluate'`, so promise jobs run inside the call's timeout). Nothing of the host is
 * reachable from it (trust model, docs/decisions/005): the context's global is a null-prototype object; `console`,
 * `module`, `exports`, `require`, argument decoding, the call, promise following, error description and result
 * serialization are all functions created INSIDE the context by a kit that runs before the candidate loads and
 * captures the intrinsics it uses (primordials: `Reflect.apply`, `Object.getOwnPropertyDescriptor`, Map/Set iterator
 * `next`, ...). No host function is ever called from candidate code (a stack overflow inside a host function would
 * hand the candidate a host-realm error, and from it the host `process`); the host only ever receives primitive
 * strings from the context, and never reads a property of a value the candidate made.
 *
 * Results are accepted only as plain data: primitives, arrays and plain objects (prototype `Object.prototype` or
 * null) made of data properties, Maps, Sets and Dates, checked with the captured brand checks; accessors, proxied
 * prototypes, class instances, functions and cycles are refused (`UnserializableResult`). Serialization reads
 * property descriptors, never runs a getter or a `Symbol.iterator`, and runs inside the timed call.
 */
/**
 * The kit: a function created in the candidate's context before the candidate exists, called with
 * `(kitName, MAX_MESSAGE)`; it installs `console`/`module`/`exports`/`require` and returns a frozen object of context
 * functions (`configure`, `warm`, `setEntry`, `exported`, `setArgs`, `stash`, `describeStashed`, `start`,
 * `finish`), also reachable from scripts as the non-configurable global `kitName`. Every intrinsic it uses is
 * captured first. The harness creates the context and the kit, and warms the kit's codec, while a pre-started
 * process waits for its candidate, so none of that is on the critical path.
 */
export const NODE_KIT_SOURCE = String.raw`(function (kitName, MAX_MESSAGE) {
  "use strict";
  const g = globalThis;
  const O = Object, R = Reflect;
  const apply = R.apply, ownKeys = R.ownKeys, defineProperty = O.defineProperty, create = O.create;
  const getOwn = O.getOwnPropertyDescriptor, getProto = O.getPrototypeOf, hasOwn = O.hasOwn, isArray = Array.isArray;
  const ObjectProto = O.prototype, ArrayProto = Array.prototype;
  const parse = JSON.parse, stringify = JSON.stringify;
  const StringCtor = String, BigIntCtor = BigInt, ErrorCtor = Error, TypeErrorCtor = TypeError;
  const MapCtor = Map, SetCtor = Set, DateCtor = Date;
  const mapSize = getOwn(Map.prototype, 'size').get, mapEntries = Map.prototype.entries, mapSet = Map.prototype.set;
  const mapNext = getProto(new Map().entries()).next;
  const setSize = getOwn(Set.prototype, 'size').get, setValues = Set.prototype.values, setAdd = Set.prototype.add;
  const setNext = getProto(new Set().values()).next;
  const dateTime = Date.prototype.getTime, dateIso = Date.prototype.toISOString;
  const slice = String.prototype.slice;
  const MAX_DEPTH = 256;
  let returnArguments = false, configured = false;
  const text = function (v) {
    try { return apply(slice, StringCtor(v), [0, MAX_MESSAGE]); } catch (e) { return '<unprintable>'; }
  };
  const sink = function () {};
  g.console = { log: sink, info: sink, debug: sink, warn: sink, error: sink, trace: sink };
  const moduleObject = { exports: {} };
  g.module = moduleObject;
  g.exports = moduleObject.exports;
  g.require = function (name) { throw new ErrorCtor("Cannot import '" + text(name) + "': candidates run without modules"); };

  // Inputs: JSON from the host, tags turned into values, built with data-property definitions only.
  const put = function (target, key, value) { defineProperty(target, key, { value: value, writable: true, enumerable: true, configurable: true }); };
  const decode = function (d) {
    if (isArray(d)) { const out = []; for (let i = 0; i < d.length; i++) put(out, i, decode(d[i])); return out; }
    if (d === null || typeof d !== 'object') return d;
    const k = ownKeys(d);
    const tag = d.$zerr, v = d.v;
    if (typeof tag === 'string' && k.length <= 2) {
      switch (tag) {
        case 'nan': return NaN; case 'inf': return Infinity; case '-inf': return -Infinity; case '-0': return -0;
        case 'undefined': return undefined; case 'bigint': return BigIntCtor(v); case 'float': return +v;
        case 'tuple': case 'frozenset': return decode(v);
        case 'set': { const s = new SetCtor(); for (let i = 0; i < v.length; i++) apply(setAdd, s, [decode(v[i])]); return s; }
        case 'date': return new DateCtor(v);
        case 'map': { const m = new MapCtor(); for (let i = 0; i < v.length; i++) apply(mapSet, m, [decode(v[i][0]), decode(v[i][1])]); return m; }
        case 'object': { const o = {}; const keys = ownKeys(v); for (let i = 0; i < keys.length; i++) put(o, keys[i], decode(v[keys[i]])); return o; }
      }
    }
    const o = {};
    for (let i = 0; i < k.length; i++) put(o, k[i], decode(d[k[i]]));
    return o;
  };

  // Results: tagged JSON text built by string concatenation from descriptors (no getter, no iterator protocol).
  const refuse = function (why) { throw new TypeErrorCtor(why); };
  const dataOf = function (holder, key) {
    const d = getOwn(holder, key);
    if (d === undefined) return undefined;
    if (!hasOwn(d, 'value')) refuse('the result has an accessor property ' + text(key) + ': only plain data is accepted');
    return d.value;
  };
  const encode = function (v, depth, ancestors) {
    if (depth > MAX_DEPTH) refuse('the result is nested deeper than ' + MAX_DEPTH + ' levels');
    switch (typeof v) {
      case 'number':
        if (v !== v) return '{"$zerr":"nan"}';
        if (v === Infinity) return '{"$zerr":"inf"}';
        if (v === -Infinity) return '{"$zerr":"-inf"}';
        if (v === 0 && 1 / v < 0) return '{"$zerr":"-0"}';
        return '' + v;
      case 'string': return stringify(v);
      case 'boolean': return v ? 'true' : 'false';
      case 'undefined': return '{"$zerr":"undefined"}';
      case 'bigint': return '{"$zerr":"bigint","v":"' + v + '"}';
      case 'object': if (v === null) return 'null'; break;
      default: refuse('cannot return a ' + typeof v + ': only plain data is accepted');
    }
    for (let i = 0; i < ancestors.n; i++) if (ancestors[i] === v) refuse('the result is cyclic');
    ancestors[ancestors.n] = v;
    ancestors.n += 1;
    let out;
    if (isArray(v)) {
      if (getProto(v) !== ArrayProto) refuse('the result holds an array with another prototype: only plain data is accepted');
      const length = dataOf(v, 'length');
      out = '[';
      for (let i = 0; i < length; i++) out += (i === 0 ? '' : ',') + encode(dataOf(v, i), depth + 1, ancestors);
      out += ']';
    } else {
      out = encodeObject(v, depth, ancestors);
    }
    ancestors.n -= 1;
    return out;
  };
  const isBrand = function (fn, v) { try { apply(fn, v, []); return true; } catch (e) { return false; } };
  const encodeObject = function (v, depth, ancestors) {
    if (isBrand(mapSize, v)) {
      const it = apply(mapEntries, v, []);
      let out = '{"$zerr":"map","v":[', first = true;
      for (let r = apply(mapNext, it, []); !r.done; r = apply(mapNext, it, [])) {
        out += (first ? '' : ',') + '[' + encode(r.value[0], depth + 2, ancestors) + ',' + encode(r.value[1], depth + 2, ancestors) + ']';
        first = false;
      }
      return out + ']}';
    }
    if (isBrand(setSize, v)) {
      const it = apply(setValues, v, []);
      let out = '{"$zerr":"set","v":[', first = true;
      for (let r = apply(setNext, it, []); !r.done; r = apply(setNext, it, [])) {
        out += (first ? '' : ',') + encode(r.value, depth + 1, ancestors);
        first = false;
      }
      return out + ']}';
    }
    if (isBrand(dateTime, v)) {
      try { return stringify(apply(dateIso, v, [])); } catch (e) { return '"Invalid Date"'; }
    }
    const proto = getProto(v);
    if (proto !== ObjectProto && proto !== null) refuse('the result holds an object that is not plain data (a class instance, boxed value, function or error)');
    const keys = ownKeys(v);
    let out = '{', first = true, tagged = false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key !== 'string') continue;
      const d = getOwn(v, key);
      if (d === undefined || !d.enumerable) continue;
      if (!hasOwn(d, 'value')) refuse('the result has an accessor property ' + text(key) + ': only plain data is accepted');
      if (key === '$zerr') tagged = true;
      out += (first ? '' : ',') + stringify(key) + ':' + encode(d.value, depth + 1, ancestors);
      first = false;
    }
    out += '}';
    return tagged ? '{"$zerr":"object","v":' + out + '}' : out;
  };
  const describeFields = function (e) {
    let type = 'NonErrorThrown', message = '';
    try {
      if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        const name = e.name;
        type = typeof name === 'string' && name !== '' ? text(name) : 'Error';
        message = text(e.message);
      } else {
        message = text(e);
      }
    } catch (error) { message = '<unreadable error>'; }
    return '"errorType":' + stringify(type) + ',"message":' + stringify(message);
  };
  const describe = function (e) { return '{"k":"error",' + describeFields(e) + '}'; };

  let fn, argsText, live, state, value, failure, stashed;
  const kit = {
    setEntry: function (f) { fn = f; },
    hasEntry: function () { return typeof fn === 'function'; },
    exported: function (name) {
      const m = moduleObject.exports;
      const candidates = [m && m[name], m, m && m.default];
      for (let i = 0; i < candidates.length; i++) if (typeof candidates[i] === 'function') return candidates[i];
      return undefined;
    },
    configure: function (flag) { if (!configured) { configured = true; returnArguments = flag === true; } },
    warm: function (sample) {
      for (let i = 0; i < 64; i++) encode(decode(parse(sample)), 0, { n: 0 });
    },
    setArgs: function (t) { argsText = t; },
    stash: function (e) { stashed = e; },
    describeStashed: function () { return '{"k":"load-error",' + describeFields(stashed) + '}'; },
    start: function () {
      state = 'running'; value = undefined; failure = undefined;
      try {
        live = decode(parse(argsText));
        const result = apply(fn, undefined, live);
        if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function') {
          state = 'waiting';
          let done = false;
          result.then(function (v) { if (!done) { done = true; state = 'value'; value = v; } },
            function (e) { if (!done) { done = true; state = 'error'; failure = describe(e); } });
        } else {
          state = 'value';
          value = result;
        }
      } catch (e) {
        state = 'error';
        failure = describe(e);
      }
    },
    finish: function () {
      if (state === 'waiting') return '{"k":"timeout"}';
      if (state === 'error') return failure;
      try {
        let out = '{"k":"value","v":' + encode(value, 0, { n: 0 });
        if (returnArguments) out += ',"a":' + encode(live, 0, { n: 0 });
        return out + '}';
      } catch (e) {
        let why = 'the result could not be serialized';
        try { if (e !== null && typeof e === 'object') why = text(e.message); } catch (error) { /* keep the default */ }
        return '{"k":"error","errorType":"UnserializableResult","message":' + stringify(why) + '}';
      }
    },
  };
  O.freeze(kit);
  defineProperty(g, kitName, { value: kit, writable: false, configurable: false, enumerable: false });
  return kit;
})`;

/** The harness program (`harness.cjs`). */
export const NODE_HARNESS_SOURCE = String.raw`'use strict';
const fs = require('fs');
const vm = require('vm');
const util = require('util');
const { StringDecoder } = require('string_decoder');
const MAX_MESSAGE = 500;

// Synchronous line input (fd 0 is a blocking pipe) and output (fs.writeSync, retried on EAGAIN).
const inBuffer = Buffer.alloc(1 << 16);
const decoder = new StringDecoder('utf8');
let pending = '';
const pause = new Int32Array(new SharedArrayBuffer(4));
function readLine() {
  for (;;) {
    const i = pending.indexOf('\n');
    if (i >= 0) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      return line;
    }
    let n;
    try {
      n = fs.readSync(0, inBuffer, 0, inBuffer.length, null);
    } catch (e) {
      if (e && e.code === 'EAGAIN') { Atomics.wait(pause, 0, 0, 2); continue; }
      if (e && e.code === 'EOF') return null;
      throw e;
    }
    if (n === 0) return null;
    pending += decoder.write(inBuffer.subarray(0, n));
  }
}
function writeLine(text) {
  let buffer = Buffer.from(text + '\n', 'utf8');
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(fs.writeSync(1, buffer));
    } catch (e) {
      if (!e || e.code !== 'EAGAIN') process.exit(3);
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

// Before the candidate is known (a pre-started process waits here): the context, the kit and a warmed codec.
const kitName = '__zerr_kit_' + require('crypto').randomBytes(12).toString('hex');
const context = vm.createContext(Object.create(null), {
  name: 'candidate',
  codeGeneration: { strings: true, wasm: false },
  microtaskMode: 'afterEvaluate',
});

// The kit: created in the context before the candidate exists; every reference it uses is captured here.
const KIT_SOURCE = ${JSON.stringify(NODE_KIT_SOURCE)};
const kit = vm.runInContext(KIT_SOURCE, context)(kitName, MAX_MESSAGE);
// The codec and the timed-call path (the vm watchdog, the context's microtask queue) run once, on sample data.
new vm.Script(kitName + '.warm(' + JSON.stringify('[1,-2.5,"text",true,null,[1,[2,[3]]],{"k":[1,2],"n":{"$zerr":"nan"}},{"$zerr":"map","v":[["a",1]]},{"$zerr":"set","v":[1]}]') + ')', { filename: 'zerr-warm.js' })
  .runInContext(context, { timeout: 5000 });
// References taken before the candidate loads; the host never looks a property up on a context object afterwards.
const kitStash = kit.stash, kitSetArgs = kit.setArgs, kitHasEntry = kit.hasEntry;
const startScript = new vm.Script(kitName + '.start()', { filename: 'zerr-call.js' });
const finishScript = new vm.Script(kitName + '.finish()', { filename: 'zerr-result.js' });
const describeScript = new vm.Script(kitName + '.describeStashed()', { filename: 'zerr-describe.js' });

const first = readLine();
if (first === null) process.exit(0);
const setup = JSON.parse(first);
const perCall = Math.max(1, setup.perCallTimeoutMs | 0);
const entryPoint = String(setup.entryPoint);
if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(entryPoint)) process.exit(2);
kit.configure(setup.returnArguments === true);

// A thrown value that is the vm's timeout error: a non-proxy native error whose own data property 'code' says so
// (node creates it in the context's realm). Read without running candidate code: no getters, no proxy traps. A
// candidate that forged one could only claim a timeout for itself.
function isTimeout(e) {
  if (e === null || typeof e !== 'object' || util.types.isProxy(e) || !util.types.isNativeError(e)) return false;
  const d = Object.getOwnPropertyDescriptor(e, 'code');
  return d !== undefined && Object.hasOwn(d, 'value') && d.value === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}
function str(v, fallback) { return typeof v === 'string' ? v : fallback; }

function load() {
  try {
    new vm.Script(String(setup.code), { filename: 'candidate.js' }).runInContext(context, { timeout: perCall });
  } catch (error) {
    if (isTimeout(error)) return '{"k":"load-error","errorType":"Timeout","message":"loading the candidate took longer than ' + perCall + ' ms"}';
    kitStash(error);
    try {
      return str(describeScript.runInContext(context, { timeout: perCall }), '{"k":"load-error","errorType":"Error","message":""}');
    } catch (e) {
      return '{"k":"load-error","errorType":"Error","message":"<unreadable error>"}';
    }
  }
  try {
    new vm.Script(kitName + '.setEntry(typeof ' + entryPoint + ' === "function" ? ' + entryPoint + ' : ' + kitName + '.exported(' + JSON.stringify(entryPoint) + '))', { filename: 'zerr-entry.js' })
      .runInContext(context, { timeout: perCall });
  } catch (e) { /* not found */ }
  if (kitHasEntry() !== true) {
    return JSON.stringify({ k: 'load-error', errorType: 'EntryPointNotFound', message: "entry point '" + entryPoint + "' is not defined as a function" });
  }
  return '{"k":"ready"}';
}

function call(argsText) {
  kitSetArgs(argsText);
  const started = performance.now();
  try {
    startScript.runInContext(context, { timeout: perCall });
  } catch (e) {
    return isTimeout(e) ? '{"k":"timeout"}' : '{"k":"error","errorType":"Error","message":"the call could not be completed"}';
  }
  const left = Math.floor(started + perCall - performance.now());
  if (left < 1) return '{"k":"timeout"}';
  try {
    return str(finishScript.runInContext(context, { timeout: left }), '{"k":"error","errorType":"HarnessError","message":"no outcome"}');
  } catch (e) {
    return isTimeout(e) ? '{"k":"timeout"}' : '{"k":"error","errorType":"UnserializableResult","message":"the result could not be serialized"}';
  }
}

const loaded = load();
writeLine(loaded);
if (loaded !== '{"k":"ready"}') process.exit(0);
for (let line = readLine(); line !== null; line = readLine()) {
  if (line === '') continue;
  const request = JSON.parse(line);
  writeLine('{"i":' + (request.i | 0) + ',' + call(JSON.stringify(request.args)).slice(1));
}
process.exit(0);
`;
