/**
 * @module verify/python/run-python-tool
 * Runs a small analysis script of ours with the system python3 inside the sandbox, on a candidate's source given
 * as a file, and reads back its one JSON line. The candidate is only parsed there (`ast`, `tokenize`), never
 * executed; the sandbox still holds the parser, which is native code fed untrusted text.
 */
import type { Sandbox } from '../../sandbox/index.js';
import { ZeroErrorError } from '../../errors/index.js';

/** A Python analysis tool failed to run (not: the candidate failed the analysis). Code: `python_tool_failed`. */
export class PythonToolError extends ZeroErrorError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('python_tool_failed', message, { cause: options.cause, isRetryable: true });
  }
}

/**
 * Runs `script` with the candidate's `code` in `candidate.py` (the script reads it from argv[1]) and returns the
 * parsed JSON of the last stdout line.
 * @throws PythonToolError (`python_tool_failed`) when the tool crashed, timed out or printed no JSON.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) from the sandbox.
 */
export async function runPythonTool(options: {
  readonly sandbox: Sandbox;
  readonly script: string;
  readonly code: string;
  readonly signal?: AbortSignal;
  /** Default 10_000 ms. */
  readonly wallTimeMs?: number;
}): Promise<unknown> {
  const result = await options.sandbox.run({
    runtime: 'python',
    files: { 'tool.py': options.script, 'candidate.py': options.code },
    entry: 'tool.py',
    args: ['candidate.py'],
    limits: { wallTimeMs: options.wallTimeMs ?? 10_000, maxOutputBytes: 16 * 1024 * 1024 },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.exitCode !== 0 || result.timedOut || result.outputTruncated || last === '') {
    throw new PythonToolError(
      `python tool failed (exit ${String(result.exitCode)}, signal ${String(result.signal)}, timedOut ${result.timedOut}): ${result.stderr.trim().slice(-400)}`,
    );
  }
  try {
    return JSON.parse(last);
  } catch (cause) {
    throw new PythonToolError('python tool printed no JSON result', { cause });
  }
}
