/**
 * @module verify/security/python-deny-script
 * The Python source of the security layer's `ast` walk (run by `python-security.ts` in the sandbox, parse only).
 * It prints one JSON line `{"findings": [{line, rule, message}]}` or `{"findings": [], "syntaxError": "..."}`.
 *
 * Rules (each finding's rule is `py/<rule>`):
 * - modules (`py/<module>`): processes, network, native code, dynamic loading, deserialisation, threads, frames,
 *   the interpreter's own name tables (`builtins`, `gc`, `inspect`), code-string runners (`timeit`, `cProfile`,
 *   `doctest`, `code`, `runpy`), and every private/underscore C module (`_signal`, `_socket`, `_posixsubprocess`,
 *   `_io`, `_thread`, ...) or OS module (`posix`, `nt`) that re-exports what the public module denies;
 * - qualified names (`py/os-system`, `py/sys-modules`, `py/io-fileio`, ...): denied whether called or only
 *   referenced (`f = os.system` is as denied as `os.system()`), through import aliases and `from x import y`;
 * - builtins `eval`, `exec`, `compile`, `__import__`, `breakpoint`, `globals`, `locals`, `vars`, `help`, `exit`,
 *   `quit`; `getattr`/`setattr`/`delattr` (and `operator.attrgetter`/`methodcaller`) referenced as values, or
 *   called with a computed name or a literal denied name (`py/getattr-computed`, `py/getattr-denied`);
 * - sandbox-escape attributes on any object (`py/dunder`): `__subclasses__`, `__globals__`, `__builtins__`,
 *   `__code__`, `__dict__`, `__bases__`, `__mro__`, `__getattribute__`, `__self__`, frame and traceback fields
 *   (`f_globals`, `tb_frame`, `gi_frame`, ...), also as string keys (`x['__builtins__']`) and in format strings;
 * - process/environment attributes on any object (`py/attr-system`, ...): `.system`, `.popen`, `.fork`, `.exec*`,
 *   `.spawn*`, `.environ`, `.getenv`, `.FileIO`, `.eval`, `.exec` - a module passed around under another name
 *   reaches no further than its spelling;
 * - sensitive modules (`os`, `sys`, `io`, `shutil`, `posix`, ...) used as plain values (`py/module-value`) or
 *   star-imported (`py/star-import`);
 * - `open`/`io.open`/`codecs.open`/`<path>.open` in a write, append, create or update mode, or a computed one
 *   (`py/open-write`); path-changing methods `write_text`, `write_bytes`, `touch`, `unlink`, `mkdir`, `rmdir`,
 *   `symlink_to`, `hardlink_to` (`py/path-write`);
 * - a source-encoding cookie other than UTF-8/ASCII (`py/coding`): a `# coding: utf-7` file reads differently
 *   to a byte-level loader than to this walk.
 *
 * Not caught (the sandbox contains these): attribute names computed at run time through means this walk cannot
 * see, such as a name read from a data structure and handed to a method of an object obtained the same way.
 */

/** The walk's source; it reads the candidate from `argv[1]`. */
export const PYTHON_DENY_SCRIPT = String.raw`import ast, json, re, sys
with open(sys.argv[1], encoding='utf-8') as f:
    source = f.read()
try:
    tree = ast.parse(source)
except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
    print(json.dumps({'findings': [], 'syntaxError': type(e).__name__ + ': ' + str(e)}))
    sys.exit(0)
sys.setrecursionlimit(10000)
MODULES = {'subprocess': 'spawns processes', 'socket': 'opens network sockets', 'urllib': 'makes network requests',
  'http': 'makes network requests', 'requests': 'makes network requests', 'httpx': 'makes network requests',
  'aiohttp': 'makes network requests', 'ftplib': 'makes network requests', 'smtplib': 'makes network requests',
  'telnetlib': 'makes network requests', 'ctypes': 'loads native code', 'cffi': 'loads native code',
  'importlib': 'loads modules dynamically', 'pickle': 'deserialises code', 'marshal': 'deserialises code',
  'shelve': 'deserialises code', 'multiprocessing': 'spawns processes', 'pty': 'spawns processes',
  'signal': 'signals processes', 'imp': 'loads modules dynamically', 'zipimport': 'loads modules dynamically',
  'pkgutil': 'loads modules dynamically', 'runpy': 'runs code', 'code': 'evaluates code', 'codeop': 'compiles code',
  'builtins': 'reaches the interpreter\'s builtins', 'gc': 'reaches every live object', 'inspect': 'reaches interpreter frames',
  'posix': 'reaches the OS directly', 'nt': 'reaches the OS directly', 'threading': 'starts threads',
  'concurrent': 'starts threads or processes', 'asyncio': 'spawns processes and opens sockets', 'select': 'waits on descriptors',
  'selectors': 'waits on descriptors', 'ssl': 'opens network sockets', 'socketserver': 'opens network sockets',
  'xmlrpc': 'makes network requests', 'imaplib': 'makes network requests', 'poplib': 'makes network requests',
  'nntplib': 'makes network requests', 'wsgiref': 'opens network sockets', 'webbrowser': 'spawns processes',
  'platform': 'spawns processes', 'pydoc': 'spawns processes', 'pdb': 'starts a debugger', 'bdb': 'starts a debugger',
  'trace': 'evaluates code', 'profile': 'evaluates code', 'cProfile': 'evaluates code', 'timeit': 'evaluates code',
  'doctest': 'evaluates code', 'atexit': 'runs code at interpreter exit', 'faulthandler': 'controls the runtime',
  'tempfile': 'creates files', 'mmap': 'maps memory and files',
  'fcntl': 'controls descriptors', 'termios': 'controls terminals', 'tty': 'controls terminals', 'resource': 'changes resource limits',
  'dill': 'deserialises code', 'cloudpickle': 'deserialises code', 'copyreg': 'registers pickling code'}
ALLOWED_UNDERSCORE = {'__future__'}
DENIED = {'eval': 'evaluates code', 'exec': 'evaluates code', 'compile': 'compiles code', '__import__': 'loads modules dynamically',
  'breakpoint': 'starts a debugger', 'exit': 'ends the interpreter', 'quit': 'ends the interpreter', 'help': 'starts a pager',
  'globals': 'reaches the name table', 'locals': 'reaches the name table', 'vars': 'reaches the name table',
  'sys.exit': 'ends the interpreter', 'sys.modules': 'reaches loaded modules', 'sys._getframe': 'reaches interpreter frames',
  'sys.settrace': 'runs code on every line', 'sys.setprofile': 'runs code on every call', 'sys.meta_path': 'changes module loading',
  'sys.path_hooks': 'changes module loading', 'sys.path_importer_cache': 'changes module loading', 'sys.breakpointhook': 'starts a debugger',
  'sys.addaudithook': 'controls the runtime',
  'os._exit': 'ends the interpreter', 'os.abort': 'ends the interpreter', 'os.system': 'spawns processes', 'os.popen': 'spawns processes',
  'os.getenv': 'reads the environment', 'os.getenvb': 'reads the environment', 'os.putenv': 'changes the environment',
  'os.unsetenv': 'changes the environment', 'os.environ': 'reads the environment', 'os.environb': 'reads the environment',
  'os.open': 'opens files at a low level', 'os.fdopen': 'opens files at a low level', 'os.write': 'writes files', 'os.pwrite': 'writes files',
  'os.writev': 'writes files', 'os.pwritev': 'writes files', 'os.sendfile': 'writes files', 'os.chdir': 'changes the working directory',
  'os.fchdir': 'changes the working directory', 'os.chroot': 'changes the root', 'os.register_at_fork': 'runs code on fork',
  'os.add_dll_directory': 'loads native code', 'os.startfile': 'spawns processes', 'os.dup2': 'replaces descriptors',
  'io.FileIO': 'opens files at a low level', 'io.open_code': 'opens files at a low level',
  'types.FunctionType': 'builds functions from code objects', 'types.CodeType': 'builds code objects', 'types.LambdaType': 'builds functions from code objects'}
for n in ['remove', 'unlink', 'rmdir', 'removedirs', 'rename', 'renames', 'replace', 'mkdir', 'makedirs', 'chmod', 'chown', 'lchown',
          'lchmod', 'fchmod', 'fchown', 'truncate', 'ftruncate', 'symlink', 'link', 'mkfifo', 'mknod', 'utime', 'chflags', 'lchflags',
          'setxattr', 'removexattr', 'memfd_create', 'pipe', 'pipe2', 'openpty']:
    DENIED['os.' + n] = 'changes files'
for n in ['rmtree', 'move', 'copy', 'copy2', 'copyfile', 'copytree', 'copymode', 'copystat', 'chown', 'make_archive', 'unpack_archive']:
    DENIED['shutil.' + n] = 'changes files'
PREFIXES = {'os.exec': 'spawns processes', 'os.spawn': 'spawns processes', 'os.posix_spawn': 'spawns processes',
  'os.fork': 'forks the process', 'os.kill': 'signals processes', 'os.set': 'changes process credentials or state',
  'os.wait': 'waits on processes', 'os.sched_': 'changes scheduling', 'os.plock': 'locks memory', 'os.nice': 'changes scheduling'}
ANY_ATTRS = {'system': 'spawns processes', 'popen': 'spawns processes', 'fork': 'forks the process', 'forkpty': 'forks the process',
  'putenv': 'changes the environment', 'unsetenv': 'changes the environment', 'environ': 'reads the environment',
  'environb': 'reads the environment', 'getenv': 'reads the environment', '_exit': 'ends the interpreter', 'killpg': 'signals processes',
  'FileIO': 'opens files at a low level', 'open_code': 'opens files at a low level', '_getframe': 'reaches interpreter frames',
  'settrace': 'runs code on every line', 'setprofile': 'runs code on every call', 'eval': 'evaluates code', 'exec': 'evaluates code',
  'posix_spawn': 'spawns processes', 'posix_spawnp': 'spawns processes', 'register_at_fork': 'runs code on fork',
  'load_extension': 'loads native code', 'enable_load_extension': 'loads native code'}
for p in ['execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe']:
    ANY_ATTRS[p] = 'spawns processes'
for p in ['spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe']:
    ANY_ATTRS[p] = 'spawns processes'
ESCAPES = {'__subclasses__', '__globals__', '__builtins__', '__code__', '__dict__', '__bases__', '__base__', '__mro__',
  '__getattribute__', '__closure__', '__func__', '__self__', '__reduce__', '__reduce_ex__', '__loader__', '__spec__', '__import__',
  '__objclass__', '__traceback__', 'f_globals', 'f_locals', 'f_builtins', 'f_back', 'f_code', 'gi_frame', 'gi_code', 'cr_frame',
  'cr_code', 'ag_frame', 'ag_code', 'tb_frame', 'tb_next', 'co_code', 'co_consts', 'func_globals', 'mro'}
SENSITIVE = {'os', 'sys', 'io', 'shutil', 'posix', 'nt', 'builtins', 'pathlib', 'codecs', 'types', 'operator'}
BUILTIN_NAMES = {'eval', 'exec', 'compile', '__import__', 'breakpoint', 'exit', 'quit', 'help', 'globals', 'locals', 'vars'}
ATTR_FUNCTIONS = {'getattr', 'setattr', 'delattr', 'operator.attrgetter', 'operator.methodcaller'}
OPEN_FUNCTIONS = {'open', 'io.open', 'codecs.open', 'gzip.open', 'gzip.GzipFile', 'bz2.open', 'bz2.BZ2File', 'lzma.open',
  'lzma.LZMAFile', 'tarfile.open', 'tarfile.TarFile', 'zipfile.ZipFile', 'zipfile.PyZipFile'}
PATH_WRITES = {'write_text', 'write_bytes', 'touch', 'unlink', 'mkdir', 'rmdir', 'symlink_to', 'hardlink_to', 'link_to', 'lchmod'}
MODE = re.compile(r'^[rwxabtU+]{1,4}$')
FORMAT_ESCAPE = re.compile(r'\{[^{}]*[.\[]\s*(__\w+__|f_globals|f_builtins|gi_frame|tb_frame)')
COMPUTED = ' with a computed attribute name is not allowed (hides which attribute is reached)'
findings = []
def add(node, rule, message):
    findings.append({'line': getattr(node, 'lineno', 0), 'rule': 'py/' + rule, 'message': message})
def rule_of(name):
    return name.replace('.', '-')
cookie = re.match(r'^(?:[^\n]*\n)?[ \t\f]*#[^\n]*?coding[:=][ \t]*([-\w.]+)', source)
if cookie and cookie.group(1).lower().replace('_', '-') not in ('utf-8', 'utf8', 'utf-8-sig', 'ascii', 'us-ascii'):
    findings.append({'line': 1 + cookie.group(0).count('\n'), 'rule': 'py/coding',
      'message': "source encoding '" + cookie.group(1) + "' is not allowed (a byte-level loader would read other code than this check)"})
aliases = {}
parents = {}
for node in ast.walk(tree):
    for child in ast.iter_child_nodes(node):
        parents[child] = node
def check_module(node, name):
    top = name.split('.')[0]
    if top in MODULES:
        add(node, rule_of(top), top + ' import is not allowed (' + MODULES[top] + ')')
        return True
    if top.startswith('_') and top not in ALLOWED_UNDERSCORE:
        add(node, 'private-module', top + ' import is not allowed (a private module reaches what its public module denies)')
        return True
    return False
def why_denied(full):
    if full is None:
        return None
    return DENIED.get(full) or next((w for p, w in PREFIXES.items() if full.startswith(p)), None)
for node in ast.walk(tree):
    if isinstance(node, ast.Import):
        for a in node.names:
            check_module(node, a.name)
            aliases[a.asname or a.name.split('.')[0]] = a.name if a.asname else a.name.split('.')[0]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if check_module(node, node.module):
            continue
        for a in node.names:
            if a.name == '*':
                if node.module.split('.')[0] in SENSITIVE:
                    add(node, 'star-import', 'from ' + node.module + ' import * is not allowed (brings in denied names unseen)')
                continue
            full = node.module + '.' + a.name
            why = why_denied(full) or (ANY_ATTRS.get(a.name) if node.module in SENSITIVE else None)
            if why:
                add(node, 'import-' + rule_of(a.name), full + ' is not allowed (' + why + ')')
            aliases[a.asname or a.name] = full
def qualified(expr):
    if isinstance(expr, ast.Name):
        return aliases.get(expr.id, expr.id)
    if isinstance(expr, ast.Attribute):
        base = qualified(expr.value)
        return None if base is None else base + '.' + expr.attr
    return None
def is_called(node):
    parent = parents.get(node)
    return isinstance(parent, ast.Call) and parent.func is node
def literal_str(expr):
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None
def attr_denied(owner, attr, setting=False):
    if setting and attr.startswith('__') and attr.endswith('__'):
        return 'changes interpreter internals'
    if attr in ESCAPES:
        return 'sandbox escape pattern'
    if attr in ANY_ATTRS:
        return ANY_ATTRS[attr]
    if attr in BUILTIN_NAMES:
        return DENIED[attr]
    return why_denied(owner + '.' + attr) if owner else None
def check_attr_function(node, name):
    short = name.split('.')[-1]
    starred = any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords)
    if short in ('getattr', 'setattr', 'delattr'):
        names = node.args[1:2]
        owner = qualified(node.args[0]) if node.args else None
        if starred or not names:
            add(node, short + '-computed', short + '()' + COMPUTED)
            return
    else:
        names = node.args[:1] if short == 'methodcaller' else node.args
        owner = None
        if starred or not names:
            add(node, short + '-computed', short + '()' + COMPUTED)
            return
    for arg in names:
        text = literal_str(arg)
        if text is None:
            add(node, short + '-computed', short + '()' + COMPUTED)
            return
        for part in text.split('.'):
            why = attr_denied(owner, part.strip(), short in ('setattr', 'delattr'))
            if why:
                add(node, short + '-denied', short + "() of '" + part.strip() + "' is not allowed (" + why + ')')
                return
def check_open(node, position):
    mode = node.args[position] if len(node.args) > position else next((k.value for k in node.keywords if k.arg == 'mode'), None)
    text = 'r' if mode is None else literal_str(mode)
    if text is None or any(c in text for c in 'wax+'):
        add(node, 'open-write', 'open() in ' + ('a computed mode' if text is None else "mode '" + text + "'") + ' is not allowed (writes files)')
def check_format(node):
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ('format', 'format_map'):
        target = literal_str(func.value)
        if target is None and qualified(func.value) == 'str' and node.args:
            target = literal_str(node.args[0])
        if target is not None and FORMAT_ESCAPE.search(target):
            add(node, 'format-dunder', 'a format string that reaches dunder attributes is not allowed (sandbox escape pattern)')
SHADOWABLE = BUILTIN_NAMES | {'open', 'getattr', 'setattr', 'delattr'}
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
def scope_of(node):
    # The function, lambda, comprehension or class whose namespace a name at node lives in; None for the module.
    # Default values, decorators and a comprehension's first iterable belong to the enclosing scope.
    prev, child, p = None, node, parents.get(node)
    while p is not None:
        if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child in p.body:
            return p
        if isinstance(p, ast.Lambda) and child is p.body:
            return p
        if isinstance(p, COMPREHENSIONS) and not (child is p.generators[0] and prev is p.generators[0].iter):
            return p
        prev, child, p = child, p, parents.get(p)
    return None
bound = {}
unbound = {}
def bind(scope, name, table=bound):
    table.setdefault(scope, set()).add(name)
for node in ast.walk(tree):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x is not None]:
            bind(node, arg.arg)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bind(scope_of(node), node.name)
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        bind(scope_of(node), node.id)
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del):
        bind(scope_of(node), node.id, unbound)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        bind(scope_of(node), node.name)
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        for n in node.names:
            bind(scope_of(node), n, unbound)
def shadowed(node):
    # Whether a builtin's name at node is a local of an enclosing function (bound there, never deleted or declared
    # global). Module and class bindings do not count: a lookup there falls back to the builtin when the binding
    # never ran (if False: vars = 1); a function local never does (UnboundLocalError).
    name = node.id
    if name not in SHADOWABLE or name in aliases:
        return False
    scope = scope_of(node)
    while scope is not None:
        if not isinstance(scope, ast.ClassDef):
            if name in unbound.get(scope, ()):
                return False
            if name in bound.get(scope, ()):
                return True
        scope = scope_of(scope)
    return False
def check_call(node):
    if isinstance(node.func, ast.Name) and shadowed(node.func):
        return
    name = qualified(node.func)
    check_format(node)
    if name in ATTR_FUNCTIONS:
        check_attr_function(node, name)
    elif name in OPEN_FUNCTIONS:
        check_open(node, 1)
    elif isinstance(node.func, ast.Attribute) and why_denied(name) is None:
        if node.func.attr in PATH_WRITES:
            add(node, 'path-write', node.func.attr + '() is not allowed (writes files)')
        elif node.func.attr == 'open':
            first = literal_str(node.args[0]) if node.args else 'r'
            if first is not None and MODE.match(first):
                check_open(node, 0)
def check_reference(node):
    if isinstance(node, ast.Name) and shadowed(node):
        return
    name = qualified(node)
    parent = parents.get(node)
    inner = isinstance(parent, ast.Attribute) and parent.value is node
    called = is_called(node)
    why = why_denied(name)
    if why and not (isinstance(node, ast.Attribute) and why_denied(qualified(node.value))):
        add(node, rule_of(name), name + ('()' if called else '') + ' is not allowed (' + why + ')')
        return
    if why:
        return
    if name in ATTR_FUNCTIONS and not called:
        add(node, rule_of(name.split('.')[-1]) + '-value', name + ' referenced as a value is not allowed (hides which attribute is reached)')
    elif isinstance(node, ast.Attribute):
        if node.attr in ESCAPES:
            add(node, 'dunder', node.attr + ' access is not allowed (sandbox escape pattern)')
        elif node.attr in ANY_ATTRS:
            add(node, 'attr-' + rule_of(node.attr), '.' + node.attr + ' access is not allowed (' + ANY_ATTRS[node.attr] + ')')
    elif node.id in ESCAPES:
        add(node, 'dunder', node.id + ' access is not allowed (sandbox escape pattern)')
    elif name in OPEN_FUNCTIONS and not called:
        add(node, 'open-value', name + ' referenced as a value is not allowed (hides the mode it is called with)')
    elif aliases.get(node.id) in SENSITIVE and not inner:
        add(node, 'module-value', 'module ' + aliases[node.id] + ' used as a value is not allowed (hides what is reached through it)')
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        check_call(node)
    elif isinstance(node, ast.Attribute) or (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
        check_reference(node)
    elif isinstance(node, ast.Subscript) and literal_str(node.slice) in ESCAPES:
        add(node, 'dunder', "['" + literal_str(node.slice) + "'] access is not allowed (sandbox escape pattern)")
seen = set()
unique = []
for f in sorted(findings, key=lambda f: f['line']):
    key = (f['line'], f['message'])
    if key not in seen:
        seen.add(key)
        unique.append(f)
print(json.dumps({'findings': unique}))
`;
