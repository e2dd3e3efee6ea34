/**
 * @module verify/security/python-security
 * The security layer's deny list for Python: a script of ours (`python-deny-script.ts`) walks the candidate's `ast`
 * (parse only, run one-shot in the sandbox) and reports each denied use with its line. Names are resolved through
 * import aliases (`import os as o; o.system(...)`, `from os import system`). Matching is on syntax, never on text.
 *
 * Denied, in short: dynamic code (`eval`, `exec`, `compile`, `__import__`, `importlib`, `imp`, `runpy`, ...);
 * processes, network, threads, native code and every private/underscore C module (`_signal`, `_socket`,
 * `_posixsubprocess`, `posix`, `nt`, ...); file writes (`open` in a write mode or a computed one, `io.FileIO`,
 * `os.open`, path-changing methods); the environment; ending the interpreter; the interpreter's name tables and
 * frames (`globals()`, `vars()`, `sys.modules`, `__builtins__`, `__subclasses__`, `__globals__`, `__dict__`,
 * `f_globals`, ...); `getattr`/`setattr`/`delattr` with a computed name or a denied literal one. The script's
 * module comment lists every rule and what is left to the sandbox.
 */
import type { Sandbox } from '../../sandbox/index.js';
import { runPythonTool } from '../python/run-python-tool.js';
import type { Finding } from '../static/finding.js';
import { PYTHON_DENY_SCRIPT } from './python-deny-script.js';

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
  const raw = (await runPythonTool({ sandbox, script: PYTHON_DENY_SCRIPT, code, ...(signal ? { signal } : {}) })) as {
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
