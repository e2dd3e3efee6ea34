/**
 * @module test/helpers/run-command
 * Runs a command as a user would (a child process) and gives its exit code and output, never throwing for a
 * non-zero exit: the end-to-end tests of `zerr build` and of what it writes.
 */
import { execFile } from 'node:child_process';

/** Exit code (1 when the process could not report one) and output of a finished command. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args` in `cwd` with `env` added to this process's environment; 32 MiB of output at most, killed
 * after `timeoutMs` (default 300 000).
 */
export function runCommand(command: string, args: readonly string[], options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>>; readonly timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(command, args, {
      cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 32 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000,
    }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}
