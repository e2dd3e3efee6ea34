/**
 * @module verify/judge/node-judge-harness
 * Source of the JavaScript judge (`judge.cjs`): a sandboxed process that has never run candidate code. It reads one
 * request line, evaluates the spec's expressions (already transpiled to JavaScript arrow functions by the engine)
 * over the inputs and the candidate's serialized outcomes, and writes one line `{"verdicts":[...]}` of
 * `CheckVerdict`s (`verify/contracts/check-plan.ts`). The expressions are the spec's, not the candidate's; they run
 * in a `vm` context with a per-call timeout, so a slow or looping expression is a spec error, never a hang.
 *
 * Request: `{"mode":"pre"|"check","timeoutMs","pre":[src],"inv":[src],"chk":[src],"calls":[{"args":<tagged>,
 * "outcome"?:<outcome line>}]}`. `pre` mode evaluates preconditions and invariants on the inputs only.
 */
export const NODE_JUDGE_SOURCE = String.raw`'use strict';
const fs = require('fs');
const vm = require('vm');
function readLine() {
  const chunk = Buffer.alloc(1 << 16);
  const parts = [];
  for (;;) {
    let n;
    try { n = fs.readSync(0, chunk, 0, chunk.length, null); } catch (e) { if (e && e.code === 'EAGAIN') continue; throw e; }
    if (n === 0) break;
    const piece = Buffer.from(chunk.subarray(0, n));
    parts.push(piece);
    if (piece.includes(10)) break;
  }
  return Buffer.concat(parts).toString('utf8').split('\n')[0];
}
const request = JSON.parse(readLine());
const context = vm.createContext(Object.create(null), { name: 'judge', codeGeneration: { strings: true, wasm: false }, microtaskMode: 'afterEvaluate' });
const setup = vm.runInContext(String.raw` + '`' + String.raw`(function (pre, inv, chk) {
  "use strict";
  const compile = function (list) {
    const out = [];
    for (let i = 0; i < list.length; i++) {
      try { out.push({ f: (0, eval)(list[i]) }); } catch (e) { out.push({ error: String(e && e.message || e).slice(0, 300) }); }
    }
    return out;
  };
  const groups = { precondition: compile(pre), invariant: compile(inv), check: compile(chk) };
  const decode = function (d) {
    if (Array.isArray(d)) return d.map(decode);
    if (d === null || typeof d !== 'object') return d;
    const k = Object.keys(d), tag = d.$zerr, v = d.v;
    if (typeof tag === 'string' && k.length <= 2) {
      switch (tag) {
        case 'nan': return NaN; case 'inf': return Infinity; case '-inf': return -Infinity; case '-0': return -0;
        case 'undefined': return undefined; case 'bigint': return BigInt(v); case 'float': return +v;
        case 'tuple': case 'frozenset': return v.map(decode);
        case 'set': return new Set(v.map(decode));
        case 'date': return new Date(v);
        case 'map': case 'dict': return new Map(v.map(function (p) { return [decode(p[0]), decode(p[1])]; }));
        case 'object': { const o = {}; for (const key of Object.keys(v)) Object.defineProperty(o, key, { value: decode(v[key]), enumerable: true, writable: true, configurable: true }); return o; }
      }
    }
    const o = {};
    for (const key of k) Object.defineProperty(o, key, { value: decode(d[key]), enumerable: true, writable: true, configurable: true });
    return o;
  };
  const text = function (e) { try { return String(e && typeof e === 'object' && 'message' in e ? (typeof e.name === 'string' ? e.name + ': ' : '') + e.message : e).slice(0, 300); } catch (x) { return '<unprintable>'; } };
  const first = function (by, args, result) {
    const list = groups[by];
    for (let i = 0; i < list.length; i++) {
      try { if (!list[i].f.apply(undefined, args.concat([result]))) return { index: i }; } catch (e) { return { index: i, error: text(e) }; }
    }
    return undefined;
  };
  let call;
  const api = {
    specError: function () {
      for (const by of ['precondition', 'invariant', 'check']) {
        const list = groups[by];
        for (let i = 0; i < list.length; i++) if (list[i].error !== undefined) return JSON.stringify({ v: 'spec-error', by: by, index: i, message: list[i].error });
      }
      return '';
    },
    set: function (json) { call = JSON.parse(json); },
    judge: function (mode) {
      const args = decode(call.args);
      let f = first('precondition', args, undefined);
      if (f) return JSON.stringify(f.error === undefined ? { v: 'skip', by: 'precondition', index: f.index } : { v: 'skip', by: 'precondition', index: f.index, error: f.error });
      f = first('invariant', args, undefined);
      if (f) return JSON.stringify(Object.assign({ v: 'skip', by: 'invariant' }, f));
      if (mode === 'pre') return '{"v":"ok"}';
      const o = call.outcome;
      if (o === null || typeof o !== 'object') return '{"v":"error","message":"no outcome"}';
      if (o.k === 'timeout') return '{"v":"timeout"}';
      if (o.k === 'error') return JSON.stringify({ v: 'threw', errorType: String(o.errorType).slice(0, 300), message: String(o.message).slice(0, 300) });
      if (o.k !== 'value') return '{"v":"error","message":"malformed outcome"}';
      const result = decode(o.v);
      if (groups.invariant.length > 0) {
        const after = Array.isArray(o.a) ? decode(o.a) : args;
        f = first('invariant', after, result);
        if (f) return JSON.stringify(Object.assign({ v: 'violated', by: 'invariant' }, f));
      }
      f = first('check', decode(call.args), result);
      if (f) return JSON.stringify(Object.assign({ v: 'violated', by: 'check' }, f));
      return '{"v":"ok"}';
    },
  };
  Object.defineProperty(globalThis, '__zerr_judge', { value: api.judge });
  return api;
})` + '`' + String.raw`, context)(request.pre, request.inv, request.chk);
const timeout = Math.max(1, request.timeoutMs | 0);
const judgeScript = { pre: new vm.Script('__zerr_judge("pre")'), check: new vm.Script('__zerr_judge("check")') };
const verdicts = [];
const specError = setup.specError();
for (const call of request.calls) {
  if (specError !== '') { verdicts.push(specError); continue; }
  setup.set(JSON.stringify(call));
  try {
    const v = judgeScript[request.mode === 'pre' ? 'pre' : 'check'].runInContext(context, { timeout: timeout });
    verdicts.push(typeof v === 'string' ? v : '{"v":"error","message":"no verdict"}');
  } catch (e) {
    verdicts.push(JSON.stringify({ v: 'spec-error', by: 'check', index: 0, message: 'evaluating the spec expressions took longer than ' + timeout + ' ms' }));
  }
}
fs.writeSync(1, '{"verdicts":[' + verdicts.join(',') + ']}\n');
process.exit(0);
`;
