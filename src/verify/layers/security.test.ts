import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../sandbox/index.js';
import { hasCloseElementsSpec, PY_CORRECT, TS_CORRECT } from '../../../test/fixtures/sandbox/specs.js';
import { SecurityLayer } from './security.js';

const sandbox = new BwrapSandbox();
const layer = new SecurityLayer({ sandbox });
afterAll(() => sandbox.close());

const verify = (language: 'typescript' | 'python', code: string) =>
  layer.verify({ spec: hasCloseElementsSpec(language), candidate: { language, code } });

/** Each denied use sits on line 3, after two harmless lines. */
const TS_WRAP = (line: string): string => `const a = 1;\nfunction f(x: any): any {\n  ${line}\n  return a;\n}\n`;
const TS_CASES: readonly (readonly [string, string, RegExp])[] = [
  ['eval', 'return eval(x);', /eval is not allowed/],
  ['indirect eval', 'const e = globalThis.eval;', /eval is not allowed/],
  ['new Function', 'return new Function("return 1")();', /Function is not allowed/],
  ['Function()', 'return Function(x)();', /Function is not allowed/],
  ['.constructor call', 'return (() => 0).constructor("return 1");', /constructor is not allowed/],
  ['child_process import', 'const cp = require("child_process");', /^child_process import is not allowed \(spawns processes\)$/],
  ['node: prefix', 'const m = await import("node:worker_threads");', /worker_threads import is not allowed/],
  ['cluster', 'const c = require("cluster");', /cluster import is not allowed/],
  ['net', 'const n = require("node:net");', /net import is not allowed/],
  ['http', 'const h = require("http");', /http import is not allowed/],
  ['https', 'const h = require("https");', /https import is not allowed/],
  ['dgram', 'const d = require("dgram");', /dgram import is not allowed/],
  ['dns', 'const d = require("dns/promises");', /dns import is not allowed/],
  ['tls', 'const t = require("tls");', /tls import is not allowed/],
  ['vm', 'const v = require("vm");', /vm import is not allowed/],
  ['computed require', 'const m = require(x);', /require of a computed module/],
  ['fs.writeFileSync', 'const fs = require("fs"); fs.writeFileSync("/tmp/a", "b");', /fs.writeFileSync is not allowed/],
  ['fs.promises.rm', 'const fs = require("node:fs"); fs.promises.rm("/x");', /fs.rm is not allowed/],
  ['destructured unlinkSync', 'const { unlinkSync } = require("fs");', /fs.unlinkSync is not allowed/],
  ['fs.createWriteStream', 'const fs = require("fs"); fs.createWriteStream("/x");', /fs.createWriteStream is not allowed/],
  ['process.env', 'return process.env.HOME;', /process.env is not allowed \(reads the environment\)/],
  ["process['env']", "return process['env'];", /process.env is not allowed/],
  ['process.exit', 'process.exit(1);', /process.exit is not allowed/],
  ['process.kill', 'process.kill(1);', /process.kill is not allowed/],
  ['process.binding', 'process.binding("fs");', /process.binding is not allowed/],
  ['__proto__', 'x.__proto__.polluted = 1;', /__proto__|prototype pollution/],
  ["['__proto__']", "x['__proto__'] = {};", /prototype pollution/],
  ['Object.prototype assignment', 'Object.prototype.polluted = 1;', /prototype pollution/],
  ['Array.prototype method', 'Array.prototype.sum = function () { return 0; };', /prototype pollution/],
  ['globalThis assignment', 'globalThis.leak = x;', /global object/],
  ['Object.defineProperty on a prototype', 'Object.defineProperty(Object.prototype, "p", { value: 1 });', /prototype pollution/],
  ['fetch', 'return fetch("http://x");', /fetch is not allowed/],
  ['WebSocket', 'return new WebSocket("ws://x");', /WebSocket is not allowed/],
  ['XMLHttpRequest', 'return new XMLHttpRequest();', /XMLHttpRequest is not allowed/],
];

const PY_WRAP = (line: string): string => `import math\ndef f(x):\n    ${line}\n    return x\n`;
const PY_CASES: readonly (readonly [string, string, RegExp])[] = [
  ['eval', 'eval(x)', /eval\(\) is not allowed/],
  ['exec', 'exec(x)', /exec\(\) is not allowed/],
  ['compile', 'compile(x, "f", "exec")', /compile\(\) is not allowed/],
  ['__import__', '__import__("os")', /__import__\(\) is not allowed/],
  ['os.system', 'import os; os.system("ls")', /os.system\(\) is not allowed/],
  ['aliased os.popen', 'import os as o; o.popen("ls")', /os.popen\(\) is not allowed/],
  ['os.execv', 'import os; os.execv("/bin/sh", [])', /os.execv\(\) is not allowed/],
  ['os.spawnl', 'import os; os.spawnl(0, "/bin/sh")', /os.spawnl\(\) is not allowed/],
  ['os.fork', 'import os; os.fork()', /os.fork\(\) is not allowed/],
  ['os.kill', 'import os; os.kill(1, 9)', /os.kill\(\) is not allowed/],
  ['from os import system', 'from os import system', /os.system is not allowed/],
  ['subprocess', 'import subprocess', /^subprocess import is not allowed \(spawns processes\)$/],
  ['socket', 'import socket', /socket import is not allowed/],
  ['urllib', 'from urllib.request import urlopen', /urllib import is not allowed/],
  ['http', 'import http.client', /http import is not allowed/],
  ['requests', 'import requests', /requests import is not allowed/],
  ['ctypes', 'import ctypes', /ctypes import is not allowed/],
  ['importlib', 'import importlib', /importlib import is not allowed/],
  ['pickle', 'import pickle', /pickle import is not allowed/],
  ['marshal', 'import marshal', /marshal import is not allowed/],
  ['open for writing', 'open("/tmp/x", "w")', /open\(\) in mode 'w' is not allowed/],
  ['open for append by keyword', 'open("/tmp/x", mode="a")', /open\(\) in mode 'a' is not allowed/],
  ['os.environ', 'import os; os.environ.get("HOME")', /os.environ is not allowed/],
  ['os.getenv', 'import os; os.getenv("HOME")', /os.getenv\(\) is not allowed/],
  ['shutil.rmtree', 'import shutil; shutil.rmtree("/")', /shutil.rmtree\(\) is not allowed/],
  ['sys.exit', 'import sys; sys.exit(1)', /sys.exit\(\) is not allowed/],
  ['__subclasses__', 'x.__class__.__subclasses__()', /__subclasses__ access is not allowed/],
];

describe('security layer', () => {
  test('clean TypeScript and Python candidates pass', { timeout: 30_000 }, async () => {
    expect(await verify('typescript', TS_CORRECT)).toMatchObject({ layer: 'security', status: 'pass' });
    expect(await verify('python', PY_CORRECT)).toMatchObject({ layer: 'security', status: 'pass' });
  });

  test.each(TS_CASES)('TypeScript: %s is caught on its line', async (_name, line, message) => {
    const result = await verify('typescript', TS_WRAP(line));
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(/^line 3: /);
    const first = (result.details as { findings: { line: number; message: string }[] }).findings[0];
    expect(first?.line).toBe(3);
    expect(first?.message).toMatch(message);
  });

  test.each(PY_CASES)('Python: %s is caught on its line', async (_name, line, message) => {
    const result = await verify('python', PY_WRAP(line));
    expect(result.status, result.reason).toBe('fail');
    expect(result.reason).toMatch(/^line 3: /);
    const first = (result.details as { findings: { line: number; message: string }[] }).findings[0];
    expect(first?.message).toMatch(message);
  });

  test('words in strings and messages are not flagged (syntax, not text)', async () => {
    const ts = `function f(s: string): string {
  if (s === "child_process") throw new Error("eval");
  const o = { eval: 1, fetch: 2, env: "process.env" };
  const t: Function | undefined = undefined;
  return "require('fs').writeFileSync" + String(o.eval + o.fetch) + String(t);
}
`;
    expect(await verify('typescript', ts)).toMatchObject({ status: 'pass' });
    const py = `import os.path\ndef f(s):\n    if s == "subprocess":\n        raise ValueError("eval(x)")\n    with open(s) as fh:\n        return os.path.join(fh.read(), "os.system")\n`;
    expect(await verify('python', py)).toMatchObject({ status: 'pass' });
  });

  test('eslint-plugin-security rules also run (detect-non-literal-fs-filename)', async () => {
    const result = await verify('typescript', 'import { readFileSync } from "fs";\nexport function f(p: string) {\n  return readFileSync(p);\n}\n');
    expect(result.status).toBe('fail');
    expect(result.reason).toContain('security/detect-non-literal-fs-filename');
    expect(result.reason).toMatch(/^line 3: /);
  });
});
