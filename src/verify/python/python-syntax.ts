/**
 * @module verify/python/python-syntax
 * Python syntax check: the system python3's `ast.parse`, run inside the sandbox (one-shot process per check).
 */
import type { Sandbox } from '../../sandbox/index.js';
import { runPythonTool } from './run-python-tool.js';

/** Outcome of a syntax check. `line` and `column` are 1-based (column 0 when python gives none). */
export type PythonSyntaxResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

const SCRIPT = String.raw`import ast, json, sys
with open(sys.argv[1], encoding='utf-8') as f:
    source = f.read()
try:
    ast.parse(source, filename='candidate.py')
    print(json.dumps({'ok': True}))
except SyntaxError as e:
    print(json.dumps({'ok': False, 'line': e.lineno or 0, 'column': e.offset or 0, 'message': e.msg or str(e)}))
except (ValueError, MemoryError, RecursionError) as e:
    print(json.dumps({'ok': False, 'line': 0, 'column': 0, 'message': type(e).__name__ + ': ' + str(e)}))
`;

/**
 * Parses `code` with python3's `ast.parse` in the sandbox (about 30-60 ms under bubblewrap).
 * @throws PythonToolError (`python_tool_failed`), SandboxUnavailableError (`sandbox_unavailable`).
 */
export async function checkPythonSyntax(sandbox: Sandbox, code: string, signal?: AbortSignal): Promise<PythonSyntaxResult> {
  const result = (await runPythonTool({ sandbox, script: SCRIPT, code, ...(signal ? { signal } : {}) })) as {
    ok?: unknown;
    line?: unknown;
    column?: unknown;
    message?: unknown;
  };
  if (result.ok === true) return { ok: true };
  return { ok: false, line: Number(result.line) || 0, column: Number(result.column) || 0, message: String(result.message) };
}
