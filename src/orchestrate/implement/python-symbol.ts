/**
 * @module orchestrate/implement/python-symbol
 * Finds a top-level function in a Python file with Python's own `ast` module (parsing, never running: the script
 * reads the source on stdin, `task-spec/run-python-script.ts`): its annotated signature, its docstring and the line
 * span the chosen code replaces.
 */
import { z } from 'zod';
import { runPythonScript } from '../../task-spec/run-python-script.js';
import { cleanDocstring } from '../../task-spec/importers/python-docstring.js';
import type { Parameter } from '../../task-spec/task-spec.js';
import type { LocateResult } from './typescript-symbol.js';

/** Reads the module, prints one JSON object: its functions, and for the one named in argv the details. */
const SCRIPT = String.raw`
import ast, json, sys
source = sys.stdin.read()
name = sys.argv[1] if len(sys.argv) > 1 else ''
try:
    tree = ast.parse(source)
except SyntaxError as e:
    print(json.dumps({'error': 'the file does not parse: %s (line %s)' % (e.msg, e.lineno)})); sys.exit(0)
def is_stub(fn):
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], 'value', None), ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body: return True
    for st in body:
        if isinstance(st, ast.Pass): continue
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and st.value.value is Ellipsis: continue
        if isinstance(st, ast.Raise) and st.exc is not None and 'NotImplementedError' in ast.unparse(st.exc): continue
        return False
    return True
functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
out = {'functions': [f.name for f in functions], 'stubs': [f.name for f in functions if is_stub(f)]}
target = None
if name == '':
    stubs = [f for f in functions if is_stub(f)]
    target = stubs[0] if len(stubs) == 1 else None
else:
    target = next((f for f in functions if f.name == name), None)
    out['isClass'] = any(isinstance(n, ast.ClassDef) and n.name == name for n in tree.body)
if target is not None:
    a = target.args
    params = []
    for arg in a.posonlyargs + a.args:
        params.append({'name': arg.arg, 'type': ast.unparse(arg.annotation) if arg.annotation else None})
    defaults = len(a.defaults)
    for i, d in enumerate(a.defaults):
        params[len(params) - defaults + i]['default'] = ast.unparse(d)
    extra = []
    if a.vararg: extra.append('*' + a.vararg.arg)
    if a.kwonlyargs: extra.append('keyword-only ' + ', '.join(k.arg for k in a.kwonlyargs))
    if a.kwarg: extra.append('**' + a.kwarg.arg)
    first = min([target.lineno] + [d.lineno for d in target.decorator_list])
    imports = []
    for node in tree.body:
        if node is target: continue
        if isinstance(node, ast.Import):
            imports += [(n.name.split('.')[0], 0) for n in node.names]
        elif isinstance(node, ast.ImportFrom):
            imports.append(((node.module or '').split('.')[0], node.level))
    foreign = [m if level == 0 else '.' * level + m for m, level in imports if level > 0 or m not in sys.stdlib_module_names and m != '__future__']
    out['symbol'] = {
        'name': target.name, 'params': params, 'extra': extra,
        'returns': ast.unparse(target.returns) if target.returns else None,
        'doc': ast.get_docstring(target, clean=False),
        'firstLine': first, 'lastLine': target.end_lineno, 'column': target.col_offset,
        'async': isinstance(target, ast.AsyncFunctionDef), 'stub': is_stub(target), 'foreignImports': foreign,
        'docStart': target.body[0].lineno if ast.get_docstring(target, clean=False) is not None else None,
        'headEnd': target.body[0].end_lineno if ast.get_docstring(target, clean=False) is not None else target.body[0].lineno - 1,
        'typing': [ast.get_source_segment(source, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) and any((getattr(n, 'module', None) or a.name).split('.')[0] == 'typing' for a in n.names)],
    }
print(json.dumps(out))
`;

const ParamSchema = z.object({ name: z.string(), type: z.string().nullable(), default: z.string().optional() });
const OutputSchema = z.union([
  z.object({ error: z.string() }),
  z.object({
    functions: z.array(z.string()),
    stubs: z.array(z.string()),
    isClass: z.boolean().optional(),
    symbol: z.object({
      name: z.string(), params: z.array(ParamSchema), extra: z.array(z.string()), returns: z.string().nullable(),
      doc: z.string().nullable(), firstLine: z.number().int(), lastLine: z.number().int(), column: z.number().int(),
      async: z.boolean(), stub: z.boolean(), foreignImports: z.array(z.string()), headEnd: z.number().int(), docStart: z.number().int().nullable(), typing: z.array(z.string()),
    }).optional(),
  }),
]);

/**
 * Reads the top-level function `name` of `source` (`path` names the file in messages). Without `name`, the file
 * must hold exactly one stub (a body of `pass`, `...` or `raise NotImplementedError`, after the docstring).
 * Never throws for a bad file: a syntax error, an unknown name, a missing annotation are `ok: false`.
 * @throws PythonScriptError when python3 cannot run; the signal's reason when aborted.
 */
export async function locatePythonSymbol(source: string, path: string, name: string | undefined, signal?: AbortSignal): Promise<LocateResult> {
  const script = name === undefined ? SCRIPT : SCRIPT.replace("sys.argv[1] if len(sys.argv) > 1 else ''", JSON.stringify(name));
  const raw = await runPythonScript(script, source, { timeoutMs: 15_000, ...(signal === undefined ? {} : { signal }) });
  const parsed = OutputSchema.parse(JSON.parse(raw));
  if ('error' in parsed) return { ok: false, message: parsed.error };
  const found = parsed.symbol;
  if (found === undefined) {
    if (name === undefined) {
      return { ok: false, message: `name the function to implement (${path}#<name>): the file holds ${parsed.stubs.length === 0 ? 'no stub' : `${parsed.stubs.length} stubs (${parsed.stubs.join(', ')})`}; its functions: ${parsed.functions.join(', ') || 'none'}` };
    }
    return { ok: false, message: parsed.isClass === true
      ? `${name} is a class; zerr implement edits top-level functions (name one: ${path}#<function>)`
      : `no top-level function named ${name}; the file defines: ${parsed.functions.join(', ') || 'no functions'}` };
  }
  if (found.extra.length > 0) return { ok: false, message: `${found.name} takes ${found.extra.join(', ')}; zerr implement verifies functions of positional parameters` };
  const inputs: Parameter[] = [];
  for (const param of found.params) {
    if (param.type === null) return { ok: false, message: `${found.name}: parameter ${param.name} has no type annotation (zerr implement reads the spec from the signature; add the annotation or give --spec)` };
    inputs.push({ name: param.name, type: param.type, ...(param.default === undefined ? {} : { description: `default: ${param.default}` }) });
  }
  if (found.returns === null) return { ok: false, message: `${found.name} has no return annotation (add one, e.g. "-> str", or give --spec)` };
  if (found.async) return { ok: false, message: `${found.name} is async; zerr implement verifies synchronous Python functions` };
  const lines = source.split('\n');
  const start = offsetOfLine(lines, found.firstLine);
  const end = offsetOfLine(lines, found.lastLine) + (lines[found.lastLine - 1] ?? '').length;
  const rest = `${source.slice(0, start)}${source.slice(end)}`.replace(/\n{3,}/g, '\n\n').trim();
  const foreign = found.foreignImports[0];
  return {
    ok: true,
    symbol: {
      language: 'python',
      name: found.name,
      inputs,
      outputType: found.returns,
      docLines: found.doc === null ? [] : cleanDocstring(found.doc),
      start,
      end,
      stub: `${found.typing.map((line) => `${line}\n`).join('')}${found.typing.length === 0 ? '' : '\n\n'}${lines.slice(found.firstLine - 1, found.headEnd).join('\n')}\n`,
      docstring: found.docStart === null ? undefined : lines.slice(found.docStart - 1, found.headEnd).join('\n'),
      exported: !found.name.startsWith('_'),
      isStub: found.stub,
      lines: source.slice(start, end).split('\n').filter((line) => line.trim() !== '').length,
      context: foreign !== undefined || rest === '' ? undefined : `${rest}\n`,
      contextNote: foreign === undefined ? undefined : `the file imports ${foreign}, which the sandbox cannot load beside the candidate: the candidate is verified alone, then with the whole project`,
    },
  };
}

/** Offset of the start of 1-based line `line`. */
function offsetOfLine(lines: readonly string[], line: number): number {
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += (lines[i] ?? '').length + 1;
  return offset;
}
