/**
 * @module task-spec/run-python-script
 * Runs a short Python program of ours that only *parses* (with `ast`, `doctest`'s parser, `ast.literal_eval`) text
 * given on stdin - a spec's expressions, a benchmark's skeletons - and prints JSON. Nothing of the text runs, so this
 * is outside the sandbox, like a linter: `python3 -I -S -B -c <script>`, killed after a time limit.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The python3 the sandbox runs (`/usr/bin/python3`, not a pyenv shim) when present, else `python3` on PATH. */
export function pythonCommand(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Why a script could not run: `not-installed`, `timeout` or `failed` (a non-zero exit), with a one-line detail. */
export class PythonScriptError extends Error {
  override readonly name = 'PythonScriptError';
  constructor(readonly reason: 'not-installed' | 'timeout' | 'failed', detail: string, options?: ErrorOptions) {
    super(detail, options);
  }
}

/**
 * Runs `script` with `input` on stdin and resolves to its stdout.
 * @param options.timeoutMs wall-clock limit in ms (the process is killed with SIGKILL).
 * @throws PythonScriptError when python3 is missing, runs past the limit or exits non-zero (stderr's last 300
 *   characters in the message); the `signal`'s reason when aborted.
 */
export function runPythonScript(script: string, input: string, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<string> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const child = spawn(pythonCommand(), ['-I', '-S', '-B', '-c', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error);
        return;
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new PythonScriptError('not-installed', 'python3 is not installed', { cause: error }));
      else if (timeout.aborted) reject(new PythonScriptError('timeout', `python3 took longer than ${options.timeoutMs} ms`, { cause: error }));
      else reject(new PythonScriptError('failed', error.message, { cause: error }));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else if (!timeout.aborted && signal?.aborted !== true) {
        reject(new PythonScriptError('failed', `python3 exited with ${String(code)}: ${Buffer.concat(err).toString('utf8').trim().slice(-300)}`));
      }
    });
    child.stdin.on('error', () => undefined); // a python that exits early closes the pipe; 'close' reports it
    child.stdin.end(input);
  });
}
