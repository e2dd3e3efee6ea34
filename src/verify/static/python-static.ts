/**
 * @module verify/static/python-static
 * Cyclomatic complexity per function and the count of code lines of a Python candidate, computed by a script of ours
 * from `ast` and `tokenize`, run one-shot in the sandbox (the candidate is parsed there, never executed).
 *
 * Counting (McCabe 1976, "A Complexity Measure", IEEE TSE 2(4); the decision counting of the `mccabe`/radon tools):
 * a function's complexity is 1 plus one per `if`/`elif`, conditional expression (`a if c else b`), `for`/`async for`,
 * `while`, `except` clause, `match` case other than a bare `case _`, comprehension `for` and each of its `if`s, and
 * `len(values) - 1` per boolean operation (`a and b and c` adds 2). `with`, `assert`, `try`/`finally` and loop
 * `else` add nothing. Nested `def`s, `lambda`s and class methods are measured separately (named `outer.inner`,
 * `<lambda>`), as ESLint measures each function; module-level code is not measured.
 * Code lines: lines that hold a token other than a comment or a line break; a multi-line string counts every line.
 */
import type { Sandbox } from '../../sandbox/index.js';
import { runPythonTool } from '../python/run-python-tool.js';

/** Complexity of one Python function; `line` is its `def` line (1-based). */
export interface PythonFunctionComplexity {
  readonly name: string;
  readonly line: number;
  readonly complexity: number;
}

/** Result of {@link analysePythonStatic}; `syntaxError` is set (and the rest empty) when the code does not parse. */
export interface PythonStaticResult {
  readonly functions: readonly PythonFunctionComplexity[];
  readonly codeLines: number;
  readonly syntaxError?: string;
}

const SCRIPT = String.raw`import ast, io, json, sys, tokenize
with open(sys.argv[1], encoding='utf-8') as f:
    source = f.read()
try:
    tree = ast.parse(source)
except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
    print(json.dumps({'functions': [], 'codeLines': 0, 'syntaxError': type(e).__name__ + ': ' + str(e)}))
    sys.exit(0)
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
lines = set()
try:
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in SKIP:
            lines.update(range(tok.start[0], tok.end[0] + 1))
except (tokenize.TokenError, SyntaxError):
    lines = {i + 1 for i, l in enumerate(source.split('\n')) if l.strip() and not l.strip().startswith('#')}
FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
def decisions(node):
    if isinstance(node, (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler)):
        return 1
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, ast.comprehension):
        return 1 + len(node.ifs)
    if hasattr(ast, 'match_case') and isinstance(node, ast.match_case):
        wild = isinstance(node.pattern, ast.MatchAs) and node.pattern.pattern is None and node.guard is None
        return 0 if wild else 1
    return 0
out = []
def measure(fn, name):
    total = 1
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, FUNCS) or isinstance(node, ast.ClassDef):
            visit(node, name)
            continue
        total += decisions(node)
        stack.extend(ast.iter_child_nodes(node))
    out.append({'name': name, 'line': fn.lineno, 'complexity': total})
def visit(node, prefix):
    if isinstance(node, FUNCS):
        own = '<lambda>' if isinstance(node, ast.Lambda) else node.name
        measure(node, prefix + '.' + own if prefix else own)
        return
    if isinstance(node, ast.ClassDef):
        prefix = prefix + '.' + node.name if prefix else node.name
    for child in ast.iter_child_nodes(node):
        visit(child, prefix)
visit(tree, '')
out.sort(key=lambda f: f['line'])
print(json.dumps({'functions': out, 'codeLines': len(lines)}))
`;

/**
 * Runs the analysis in the sandbox (one python3 process, about 30-60 ms under bubblewrap).
 * @throws PythonToolError (`python_tool_failed`), SandboxUnavailableError (`sandbox_unavailable`).
 */
export async function analysePythonStatic(sandbox: Sandbox, code: string, signal?: AbortSignal): Promise<PythonStaticResult> {
  const raw = (await runPythonTool({ sandbox, script: SCRIPT, code, ...(signal ? { signal } : {}) })) as {
    functions?: unknown;
    codeLines?: unknown;
    syntaxError?: unknown;
  };
  const functions = Array.isArray(raw.functions)
    ? raw.functions.map((f: { name?: unknown; line?: unknown; complexity?: unknown }) => ({
        name: String(f.name),
        line: Number(f.line) || 0,
        complexity: Number(f.complexity) || 0,
      }))
    : [];
  const base = { functions, codeLines: Number(raw.codeLines) || 0 };
  return typeof raw.syntaxError === 'string' ? { ...base, syntaxError: raw.syntaxError } : base;
}
