/**
 * @module cli/chat/chat-build
 * `/build <requirements>` in `zerr chat`: runs the registered `zerr build` command itself (`commands/build.ts`, the
 * same options, engine, progress, report and exit codes) in this process, so the chat has no second copy of it.
 * Ctrl-C in the chat reaches the build the way a SIGINT reaches `zerr build`: the chat's abort is forwarded as one
 * `SIGINT` event to the build's own handler (`cli/interrupts.ts`), which pauses the build, resumable with
 * `zerr resume <run-id>`.
 */
import { Command, CommanderError } from 'commander';
import { registerBuildCommands } from '../commands/build.js';
import { describeError, ExitCode, exitCodeForError } from '../exit-codes.js';
import type { BuildOutcome } from './chat-backend.js';

/** What `/build` runs. */
export interface ChatBuildRequest {
  readonly requirements: string;
  /** The build's output folder (new, or an unfinished build to resume). */
  readonly outDir: string;
  readonly model: string;
  readonly k: number;
  readonly maxSamples: number;
  readonly language: 'typescript' | 'python';
  readonly store?: string;
  readonly unsafeNoSandbox?: boolean;
  /** Aborting it pauses the build. */
  readonly signal: AbortSignal;
  /** Where a failure's one line goes. Default stderr. */
  readonly stderr?: NodeJS.WritableStream;
}

/** The `zerr build` arguments of a request. The requirements come after `--`, so that they may start with `-`. */
export function buildArguments(request: Omit<ChatBuildRequest, 'signal' | 'stderr'>): string[] {
  return [
    'build', '--out', request.outDir, '--model', request.model, '--k', String(request.k), '--max-samples', String(request.maxSamples),
    '--language', request.language,
    ...(request.store === undefined ? [] : ['--store', request.store]),
    ...(request.unsafeNoSandbox === true ? ['--unsafe-no-sandbox'] : []),
    '--', request.requirements,
  ];
}

/**
 * Runs `zerr build` for `request`. Its progress and report go to stdout and stderr as the command writes them.
 * @returns the status and exit code `zerr build` gives: 0 completed, 6 paused, else failed (the error's line written
 *   to `stderr`). Never throws.
 */
export async function runBuildCommand(request: ChatBuildRequest): Promise<BuildOutcome> {
  const stderr = request.stderr ?? process.stderr;
  let exitCode: number = ExitCode.ok;
  const program = new Command('zerr').exitOverride();
  registerBuildCommands(program, (code) => { exitCode = code; });
  const forward = (): void => { process.emit('SIGINT', 'SIGINT'); };
  request.signal.addEventListener('abort', forward, { once: true });
  try {
    await program.parseAsync(buildArguments(request), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) exitCode = ExitCode.badInput; // commander has written its message
    else {
      exitCode = exitCodeForError(error);
      stderr.write(`zerr build: ${describeError(error)}\n`);
    }
  } finally {
    request.signal.removeEventListener('abort', forward);
  }
  const status = exitCode === ExitCode.ok ? 'completed' : exitCode === ExitCode.paused ? 'paused' : 'failed';
  return { status, outDir: request.outDir, exitCode };
}
