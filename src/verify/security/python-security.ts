/**
 * @module verify/security/python-security
 * The security layer's deny list for Python: a script of ours walks the candidate's `ast` (parse only, run one-shot
 * in the sandbox) and reports each denied use with its line. Names are resolved through import aliases
 * (`import os as o; o.system(...)`, `from os import system`). Matching is on syntax, never on text.
 *
 * Denied: `eval`, `exec`, `compile`, `__import__`, `breakpoint`; `exit`/`quit`/`sys.exit`/`os._exit`/`os.abort`
 * (a pure function must return or raise, never end the interpreter - decided); modules `subprocess`, `socket`,
 * `urllib`, `http`, `requests`, `httpx`, `aiohttp`, `ftplib`, `smtplib`, `telnetlib`, `ctypes`, `cffi`, `importlib`,
 * `pickle`, `marshal`, `shelve`, `multiprocessing`, `pty`, `signal`; `os.system`, `os.popen`, `os.exec*`,
 * `os.spawn*`, `os.fork*`, `os.kill*`, `os.posix_spawn*`, file-changing `os` calls, `os.open`, `os.environ`,
 * `os.getenv`/`putenv`; `shutil.rmtree`/`move`/`copy*`; `open()` in a write, append, create or update mode (or a
 * computed mode); `Path.write_text`/`write_bytes`; the sandbox-escape dunders `__subclasses__`, `__globals__`,
 * `__builtins__`, `__code__`. Not caught: `getattr(os, 'sys' + 'tem')` and other computed lookups.
 */
import type { Sandbox } from '../../sandbox/index.js';
import { runPythonTool } from '../python/run-python-tool.js';
import type { Finding } from '../static/finding.js';

const SCRIPT = String.raw`import ast, json, sys
with open(sys.argv[1], encoding='utf-8') as f:
    source = f.read()
try:
    tree = ast.parse(source)
except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
    print(json.dumps({'findings': [], 'syntaxError': type(e).__name__ + ': ' + str(e)}))
    sys.exit(0)
MODULES = {'subprocess': 'spawns processes', 'socket': 'opens network sockets', 'urllib': 'makes network requests',
  'http': 'makes network requests', 'requests': 'makes network requests', 'httpx': 'makes network requests',
  'aiohttp': 'makes network requests', 'ftplib': 'makes network requests', 'smtplib': 'makes network requests',
  'telnetlib': 'makes network requests', 'ctypes': 'loads native code', 'cffi': 'loads native code',
  'importlib': 'loads modules dynamically', 'pickle': 'deserialises code', 'marshal': 'deserialises code',
  'shelve': 'deserialises code', 'multiprocessing': 'spawns processes', 'pty': 'spawns processes',
  'signal': 'signals processes'}
CALLS = {'eval': 'evaluates code', 'exec': 'evaluates code', 'compile': 'compiles code', '__import__': 'loads modules dynamically',
  'breakpoint': 'starts a debugger', 'exit': 'ends the interpreter', 'quit': 'ends the interpreter', 'sys.exit': 'ends the interpreter',
  'os._exit': 'ends the interpreter', 'os.abort': 'ends the interpreter', 'os.system': 'spawns processes', 'os.popen': 'spawns processes',
  'os.getenv': 'reads the environment', 'os.putenv': 'changes the environment', 'os.unsetenv': 'changes the environment',
  'os.open': 'opens files at a low level', 'os.chdir': 'changes the working directory'}
for n in ['remove', 'unlink', 'rmdir', 'removedirs', 'rename', 'renames', 'replace', 'mkdir', 'makedirs', 'chmod', 'chown', 'truncate', 'symlink', 'link']:
    CALLS['os.' + n] = 'changes files'
for n in ['rmtree', 'move', 'copy', 'copy2', 'copyfile', 'copytree', 'chown']:
    CALLS['shutil.' + n] = 'changes files'
PREFIXES = {'os.exec': 'spawns processes', 'os.spawn': 'spawns processes', 'os.posix_spawn': 'spawns processes',
  'os.fork': 'forks the process', 'os.kill': 'signals processes'}
ATTRS = {'os.environ': 'reads the environment', 'os.environb': 'reads the environment'}
DUNDERS = {'__subclasses__', '__globals__', '__builtins__', '__code__'}
WRITE_METHODS = {'write_text', 'write_bytes'}
aliases = {}
findings = []
def add(node, rule, message):
    findings.append({'line': getattr(node, 'lineno', 0), 'rule': 'py/' + rule, 'message': message})
def check_module(node, name):
    top = name.split('.')[0]
    if top in MODULES:
        add(node, top, top + ' import is not allowed (' + MODULES[top] + ')')
        return True
    return False
for node in ast.walk(tree):
    if isinstance(node, ast.Import):
        for a in node.names:
            check_module(node, a.name)
            aliases[a.asname or a.name.split('.')[0]] = a.name if a.asname else a.name.split('.')[0]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if not check_module(node, node.module):
            for a in node.names:
                full = node.module + '.' + a.name
                why = CALLS.get(full) or ATTRS.get(full) or next((w for p, w in PREFIXES.items() if full.startswith(p)), None)
                if why:
                    add(node, 'import-' + a.name, full + ' is not allowed (' + why + ')')
                aliases[a.asname or a.name] = full
def qualified(expr):
    if isinstance(expr, ast.Name):
        return aliases.get(expr.id, expr.id)
    if isinstance(expr, ast.Attribute):
        base = qualified(expr.value)
        return None if base is None else base + '.' + expr.attr
    return None
def mode_of(call):
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == 'mode'), None)
    if mode is None:
        return 'r'
    return mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else None
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        name = qualified(node.func)
        if name is None:
            continue
        why = CALLS.get(name) or next((w for p, w in PREFIXES.items() if name.startswith(p)), None)
        if why:
            add(node, name.replace('.', '-'), name + '() is not allowed (' + why + ')')
        elif name in ('open', 'io.open', 'codecs.open'):
            mode = mode_of(node)
            if mode is None or any(c in mode for c in 'wax+'):
                add(node, 'open-write', 'open() in ' + ('a computed mode' if mode is None else "mode '" + mode + "'") + ' is not allowed (writes files)')
        elif isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            add(node, 'path-write', node.func.attr + '() is not allowed (writes files)')
    elif isinstance(node, ast.Attribute):
        name = qualified(node)
        if name in ATTRS:
            add(node, 'environ', name + ' is not allowed (' + ATTRS[name] + ')')
        elif node.attr in DUNDERS:
            add(node, 'dunder', node.attr + ' access is not allowed (sandbox escape pattern)')
    elif isinstance(node, ast.Name) and node.id in DUNDERS:
        add(node, 'dunder', node.id + ' access is not allowed (sandbox escape pattern)')
seen = set()
unique = []
for f in sorted(findings, key=lambda f: f['line']):
    key = (f['line'], f['message'])
    if key not in seen:
        seen.add(key)
        unique.append(f)
print(json.dumps({'findings': unique}))
`;

/** Deny-list findings of a Python candidate, or `syntaxError` when it does not parse. */
export interface PythonSecurityResult {
  readonly findings: readonly Finding[];
  readonly syntaxError?: string;
}

/**
 * Runs the deny-list walk in the sandbox (one python3 process, about 30-60 ms under bubblewrap). Every finding is
 * `error` with rule `py/<what>`.
 * @throws PythonToolError (`python_tool_failed`), SandboxUnavailableError (`sandbox_unavailable`).
 */
export async function findDeniedPython(sandbox: Sandbox, code: string, signal?: AbortSignal): Promise<PythonSecurityResult> {
  const raw = (await runPythonTool({ sandbox, script: SCRIPT, code, ...(signal ? { signal } : {}) })) as {
    findings?: unknown;
    syntaxError?: unknown;
  };
  const findings: Finding[] = Array.isArray(raw.findings)
    ? raw.findings.map((f: { line?: unknown; rule?: unknown; message?: unknown }) => ({
        line: Number(f.line) || 0,
        rule: String(f.rule),
        message: String(f.message),
        severity: 'error' as const,
      }))
    : [];
  return typeof raw.syntaxError === 'string' ? { findings, syntaxError: raw.syntaxError } : { findings };
}
