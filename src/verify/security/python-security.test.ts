import { afterAll, describe, expect, test } from 'vitest';
import { BwrapSandbox } from '../../sandbox/index.js';
import { findDeniedPython } from './python-security.js';

const sandbox = new BwrapSandbox();
afterAll(() => sandbox.close());

const rules = async (code: string): Promise<string[]> => (await findDeniedPython(sandbox, code)).findings.map((f) => f.rule);

/** [name, code, a rule it must raise]. */
const DENIED: readonly (readonly [string, string, string])[] = [
  ['getattr with a computed name', 'import os\ngetattr(os, "fo" + "rk")()', 'py/getattr-computed'],
  ['getattr with a name from a variable', 'getattr(obj, name)', 'py/getattr-computed'],
  ['getattr with a denied literal', 'import os\ngetattr(os, "system")', 'py/getattr-denied'],
  ['getattr of a dunder', 'getattr(f, "__globals__")', 'py/getattr-denied'],
  ['setattr of a dunder', 'setattr(x, "__class__", Y)', 'py/setattr-denied'],
  ['delattr with a computed name', 'delattr(x, n)', 'py/delattr-computed'],
  ['getattr as a value', 'g = getattr', 'py/getattr-value'],
  ['operator.methodcaller with a computed name', 'import operator\noperator.methodcaller(n)(x)', 'py/methodcaller-computed'],
  ['every underscore module', 'import _thread', 'py/private-module'],
  ['underscore module in from-import', 'from _io import FileIO', 'py/private-module'],
  ['nt', 'import nt', 'py/nt'],
  ['imp', 'import imp', 'py/imp'],
  ['builtins', 'import builtins', 'py/builtins'],
  ['from os import *', 'from os import *', 'py/star-import'],
  ['os.fdopen', 'import os\nos.fdopen(3, "w")', 'py/os-fdopen'],
  ['os.system referenced, not called', 'import os\nrun = os.system', 'py/os-system'],
  ['sys.modules through an alias', 'import sys as s\ns.modules["os"]', 'py/sys-modules'],
  ['locals() subscript', 'locals()["x"]', 'py/locals'],
  ['__builtins__ by name', 'b = __builtins__', 'py/dunder'],
  ['__dict__', 'import os\nos.__dict__["system"]', 'py/dunder'],
  ['__mro__', 'object.__mro__', 'py/dunder'],
  ['.system on any object', 'm.system("id")', 'py/attr-system'],
  ['.environ on any object', 'm.environ["HOME"]', 'py/attr-environ'],
  ['open with a computed mode', 'open(p, m)', 'py/open-write'],
  ['io.open for writing', 'import io\nio.open(p, "a")', 'py/open-write'],
  ['Path.open for writing', 'p.open("w")', 'py/open-write'],
  ['zipfile for writing', 'import zipfile\nzipfile.ZipFile(p, "w")', 'py/open-write'],
  ['Path.touch', 'p.touch()', 'py/path-write'],
  ['breakpoint', 'breakpoint()', 'py/breakpoint'],
  ['str.format reaching a dunder', 'str.format("{0.__class__.__init__.__globals__}", x)', 'py/format-dunder'],
  ['timeit runs strings', 'import timeit', 'py/timeit'],
  ['types.CodeType', 'import types\ntypes.CodeType', 'py/types-CodeType'],
  ['sqlite3 extension loading', 'con.enable_load_extension(True)', 'py/attr-enable_load_extension'],
  ['a latin-1 cookie on line 1', '# coding: latin-1\nx = 1', 'py/coding'],
  ['a builtin passed as a default value (evaluated outside the function)', 'def add(a, b, vars=vars):\n    return vars(a)', 'py/vars'],
  ['a builtin shadowed only in another function', 'def g(vars):\n    return vars\ndef add(a):\n    return vars(a)', 'py/vars'],
  ['a builtin shadowed only at module level (falls back when unbound)', 'if False:\n    vars = 1\ndef add(a):\n    return vars(a)', 'py/vars'],
  ['a builtin shadowed in a class body', 'def add(a):\n    class C:\n        eval = 1\n    return eval("a")', 'py/eval'],
  ['a local deleted before use', 'def add(a):\n    vars = 1\n    del vars\n    return vars(a)', 'py/vars'],
  ['a local declared global', 'def add(a):\n    global vars\n    vars = 1\n    return vars(a)', 'py/vars'],
];

/** Ordinary code next to the denied forms: no finding. */
const ALLOWED: readonly (readonly [string, string])[] = [
  ['getattr with a literal ordinary name and a default', 'v = getattr(obj, "name", None)'],
  ['hasattr with a computed name', 'ok = hasattr(obj, name)'],
  ['dict.get and subscripts', 'v = d.get("k", 0) + d["system"]'],
  ['re.compile', 'import re\nP = re.compile(r"a+")'],
  ['reading a file', 'with open(p) as f:\n    t = f.read()\nwith open(p, "rb") as g:\n    b = g.read()'],
  ['os.path and os.sep', 'import os\nq = os.path.join("a", "b") + os.sep'],
  ['sys.setrecursionlimit and sys.maxsize', 'import sys\nsys.setrecursionlimit(10**6)\nm = sys.maxsize'],
  ['operator.itemgetter / attrgetter with literals', 'import operator\nk = operator.itemgetter(1)\nn = operator.attrgetter("name.first")'],
  ['class names and format strings', 'n = type(x).__name__ + x.__class__.__name__ + "{0} {1:>3}".format(a, b)'],
  ['sqlite3 in memory', 'import sqlite3\ncon = sqlite3.connect(":memory:")'],
  ['a UTF-8 cookie', '# -*- coding: utf-8 -*-\nx = 1'],
  ['ast.literal_eval', 'import ast\nv = ast.literal_eval("[1, 2]")'],
  ['__future__', 'from __future__ import annotations'],
  ['locals named like builtins (exit of a maze, open brackets, a compile flag)',
    'def f(grid, s, compile=True):\n    start, exit = grid\n    open = 0\n    for c in s:\n        open += c == "("\n    return exit, open, compile'],
  ['a builtin name bound by a comprehension', 'def f(xs):\n    return [vars + 1 for vars in xs]'],
];

describe('Python deny list', () => {
  test.each(DENIED)('denies %s', { timeout: 20_000 }, async (_name, code, rule) => {
    expect(await rules(code)).toContain(rule);
  });

  test.each(ALLOWED)('allows %s', { timeout: 20_000 }, async (_name, code) => {
    expect(await rules(code)).toEqual([]);
  });
});
