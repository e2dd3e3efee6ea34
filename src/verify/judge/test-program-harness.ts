/**
 * @module verify/judge/test-program-harness
 * Sources of the hidden-test judges: a benchmark's own test program (HumanEval's `check`, MultiPL-E's `test()`) run in
 * a sandboxed process that has never run candidate code, where the candidate's entry point is a proxy. Each call of
 * the proxy writes `{"call": <tagged arguments>}` on stdout and reads the candidate's outcome line (relayed by the
 * engine from the candidate's own sandboxed process) from stdin; a returned value arrives as plain data of exact
 * built-in types, a thrown error is raised again as an exception of the same name. So the test's `assert`, `==` and
 * `deepEqual` are the benchmark's own, unpatched, over values no candidate object can stand in for. The last line is
 * `{"done":"passed"}` or `{"done":"failed","detail":"..."}`; before it, a Python program may report
 * per-test-class results with `__zerr_report({name: passed})` (`{"report": {...}}`).
 *
 * Input: one line `{"program": "<source>"}`. Python runs the program with `exec` in a fresh namespace holding
 * `__zerr_call`; JavaScript with `new Function('require', 'module', 'exports', '__zerr_call', program)`.
 */
import { PYTHON_CODEC_SOURCE, PYTHON_PROTOCOL_SOURCE } from '../../sandbox/harness/python-codec.js';

/** The Python hidden-test judge (`tests.py`). */
export const PYTHON_TEST_PROGRAM_SOURCE = String.raw`import json, os, sys, traceback

${PYTHON_CODEC_SOURCE}


${PYTHON_PROTOCOL_SOURCE}


_raised = {}


def __zerr_call(args):
    _write_line(json.dumps({'call': _encode(list(args), 0, set())}, allow_nan=False, separators=(',', ':')))
    line = _read_line()
    if line is None:
        raise SystemExit(3)
    o = json.loads(line)
    if o.get('k') == 'value':
        return _decode(o.get('v'))
    if o.get('k') == 'timeout':
        raise TimeoutError('the candidate timed out')
    if o.get('k') == 'error':
        name = str(o.get('errorType') or 'Error')
        builtin = __builtins__.get(name) if isinstance(__builtins__, dict) else getattr(__builtins__, name, None)
        if isinstance(builtin, type) and issubclass(builtin, Exception):
            raise builtin(str(o.get('message')))
        raise _raised.setdefault(name, type(name, (Exception,), {}))(str(o.get('message')))
    raise RuntimeError('the candidate process failed: ' + str(o.get('message')))


def __zerr_report(results):
    _write_line(json.dumps({'report': {str(k): bool(v) for k, v in dict(results).items()}}, separators=(',', ':')))


def _main():
    program = json.loads(_read_line())['program']
    namespace = {'__name__': '__main__', '__zerr_call': __zerr_call, '__zerr_report': __zerr_report}
    try:
        exec(compile(program, 'tests.py', 'exec'), namespace)
    except BaseException:
        detail = traceback.format_exc()[-2000:]
        _write_line(json.dumps({'done': 'failed', 'detail': detail}))
        os._exit(0)
    _write_line('{"done":"passed"}')
    os._exit(0)


_main()
`;

/** The JavaScript hidden-test judge (`tests.cjs`). */
export const NODE_TEST_PROGRAM_SOURCE = String.raw`'use strict';
const fs = require('fs');
const inBuffer = Buffer.alloc(1 << 16);
let pending = '';
function readLine() {
  for (;;) {
    const i = pending.indexOf('\n');
    if (i >= 0) { const line = pending.slice(0, i); pending = pending.slice(i + 1); return line; }
    let n;
    try { n = fs.readSync(0, inBuffer, 0, inBuffer.length, null); } catch (e) { if (e && e.code === 'EAGAIN') continue; throw e; }
    if (n === 0) return null;
    pending += inBuffer.toString('utf8', 0, n);
  }
}
function writeLine(text) { fs.writeSync(1, text + '\n'); }
function encode(v) {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $zerr: 'nan' };
    if (v === Infinity) return { $zerr: 'inf' };
    if (v === -Infinity) return { $zerr: '-inf' };
    if (Object.is(v, -0)) return { $zerr: '-0' };
    return v;
  }
  if (typeof v === 'bigint') return { $zerr: 'bigint', v: String(v) };
  if (v === undefined) return { $zerr: 'undefined' };
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Map) return { $zerr: 'map', v: Array.from(v, (e) => [encode(e[0]), encode(e[1])]) };
  if (v instanceof Set) return { $zerr: 'set', v: Array.from(v, encode) };
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = encode(v[k]);
    return Object.hasOwn(v, '$zerr') ? { $zerr: 'object', v: o } : o;
  }
  return v;
}
function decode(d) {
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
      case 'map': case 'dict': return new Map(v.map((p) => [decode(p[0]), decode(p[1])]));
      case 'object': { const o = {}; for (const key of Object.keys(v)) Object.defineProperty(o, key, { value: decode(v[key]), enumerable: true, writable: true, configurable: true }); return o; }
    }
  }
  const o = {};
  for (const key of k) Object.defineProperty(o, key, { value: decode(d[key]), enumerable: true, writable: true, configurable: true });
  return o;
}
function zerrCall(args) {
  writeLine(JSON.stringify({ call: encode(Array.from(args)) }));
  const line = readLine();
  if (line === null) process.exit(3);
  const o = JSON.parse(line);
  if (o.k === 'value') return decode(o.v);
  if (o.k === 'timeout') throw new Error('the candidate timed out');
  const error = new Error(String(o.message));
  error.name = String(o.errorType || 'Error');
  throw error;
}
const program = JSON.parse(readLine()).program;
try {
  const module = { exports: {} };
  new Function('require', 'module', 'exports', '__zerr_call', program)(require, module, module.exports, zerrCall);
} catch (e) {
  writeLine(JSON.stringify({ done: 'failed', detail: String(e && e.stack || e).slice(-2000) }));
  process.exit(0);
}
writeLine('{"done":"passed"}');
process.exit(0);
`;
