/**
 * @module memory/chunkers/chunk-python
 * Chunks Python source by symbol with Python's own `ast` (parsed, never run: `runPythonScript`): each top-level
 * function and class, decorators included, is one chunk named by the symbol, with its docstring as the doc; the
 * module docstring is a chunk of its own.
 */
import { runPythonScript } from '../../task-spec/run-python-script.js';
import type { SymbolChunk } from './chunk-typescript.js';
import { splitByTokens } from './split-by-tokens.js';

const SCRIPT = String.raw`
import ast, json, sys
source = sys.stdin.read()
try:
    tree = ast.parse(source)
except SyntaxError as error:
    print(json.dumps({"error": str(error)}))
    sys.exit(0)
out = []
doc = ast.get_docstring(tree)
if doc and tree.body:
    first = tree.body[0]
    out.append({"symbol": None, "start": first.lineno, "end": first.end_lineno, "doc": doc})
for node in tree.body:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        out.append({"symbol": node.name, "start": start, "end": node.end_lineno, "doc": ast.get_docstring(node)})
print(json.dumps({"chunks": out}))
`;

/**
 * The chunks of Python `source`. A symbol longer than `maxTokens` is split at line boundaries. Names starting with
 * `_` count as not exported. A file that does not parse gives no chunks.
 * @throws PythonScriptError when python3 is missing or runs past 10 s; the signal's reason.
 */
export async function chunkPython(source: string, options: { readonly maxTokens?: number; readonly signal?: AbortSignal } = {}): Promise<SymbolChunk[]> {
  const output = await runPythonScript(SCRIPT, source, { timeoutMs: 10_000, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const parsed = JSON.parse(output) as { chunks?: { symbol: string | null; start: number; end: number; doc: string | null }[] };
  const lines = source.split('\n');
  return (parsed.chunks ?? []).flatMap((chunk) => splitByTokens(lines.slice(chunk.start - 1, chunk.end).join('\n'), chunk.start, options.maxTokens)
    .map((part, index) => ({
      ...part,
      symbol: chunk.symbol === null ? null : index === 0 ? chunk.symbol : `${chunk.symbol} (part ${index + 1})`,
      exported: chunk.symbol !== null && !chunk.symbol.startsWith('_'),
      doc: index === 0 && chunk.doc !== null ? chunk.doc.replace(/\s+/g, ' ').trim() : null,
    })));
}
