/**
 * @module cli/main
 * The `zerr` command line: `solve`, `verify`, `build`, `resume`, `escalations list|show|answer`, `demo`,
 * `runs list|show`, `spec schema|check`, `estimate`, `serve`, `keys`, `mcp`, `daemon`, `model-server`, `config`,
 * `memory`, `implement`, `chat`, and the scale-out's `worker`, `batch submit|status|cancel`, `schedule add|list|remove`.
 * Exit codes in `exit-codes.ts`.
 */
import { Command, CommanderError } from 'commander';
import { describeError, ExitCode, exitCodeForError } from './exit-codes.js';
import { registerBuildCommands } from './commands/build.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEscalationsCommand } from './commands/escalations.js';
import { registerEstimateCommand } from './commands/estimate.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerSolveCommand } from './commands/solve.js';
import { registerSpecCommand } from './commands/spec.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerServeCommand } from './commands/serve.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerBatchCommand } from './commands/batch.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerDaemonCommand } from './commands/daemon.js';
import { registerConfigCommand } from './commands/config.js';
import { registerModelServerCommand } from './commands/model-server.js';
import { registerMemoryCommand } from './commands/memory.js';
import { registerImplementCommand } from './commands/implement.js';
import { registerChatCommand } from './commands/chat.js';

/** Levels of `--log-level` (as the telemetry logger's `LOG_LEVELS`, without loading it). */
const LOG_LEVEL_NAMES: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Builds the commander program; each command sets `process.exitCode`-style results through `setExit`. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('zerr')
    .description('Zero-Error: verified code from task specs by sampling, red-flagging, verification and first-to-ahead-by-k voting (MAKER).')
    .version('0.1.0')
    .option('--debug', 'print the stack trace of an internal error (also env ZERR_DEBUG=1)')
    .option('--log-level <level>', 'JSON log lines of engine events on stderr: trace, debug, info, warn, error, silent (env ZERR_LOG_LEVEL; default none)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (root) => {
      // Program-wide: every command that runs the engine logs at this level (serve keeps its own option too).
      const level = (root.opts() as { logLevel?: string }).logLevel;
      if (level === undefined) return;
      if (!LOG_LEVEL_NAMES.includes(level)) {
        root.error(`error: option '--log-level <level>' argument '${level}' is invalid: expected one of ${LOG_LEVEL_NAMES.join(', ')}`, { exitCode: 3, code: 'zerr.invalidLogLevel' });
      }
      process.env['ZERR_LOG_LEVEL'] = level;
    });
  registerSolveCommand(program, setExit);
  registerVerifyCommand(program, setExit);
  registerDemoCommand(program, setExit);
  registerRunsCommand(program, setExit);
  registerSpecCommand(program, setExit);
  registerBuildCommands(program, setExit);
  registerEscalationsCommand(program, setExit);
  registerEstimateCommand(program, setExit);
  registerServeCommand(program, setExit);
  registerKeysCommand(program, setExit);
  registerMcpCommand(program, setExit);
  registerDaemonCommand(program, setExit);
  registerModelServerCommand(program, setExit);
  registerConfigCommand(program);
  registerMemoryCommand(program, setExit);
  registerImplementCommand(program, setExit);
  registerChatCommand(program, setExit);
  registerWorkerCommand(program, setExit);
  registerBatchCommand(program);
  registerScheduleCommand(program);
  return program;
}

/** Runs the CLI with `argv` (as `process.argv`) and resolves to the process exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  let exit: number = ExitCode.ok;
  const program = buildProgram((code) => { exit = code; });
  // The process lives until the command settles: closing the sandbox awaits the exit of pre-started processes whose
  // handles are unref()ed, and with nothing else on the event loop Node would end mid-close (exit 13, the command's
  // own exit code lost).
  const keepAlive = setInterval(() => undefined, 1_000_000);
  // `zerr runs list | head -1`: the reader went away; stop quietly instead of failing on EPIPE.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') process.exit(exit);
  };
  process.stdout.on('error', onStdoutError);
  try {
    await program.parseAsync([...argv]);
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return ExitCode.ok;
      return ExitCode.badInput;
    }
    const code = exitCodeForError(error);
    process.stderr.write(`zerr: ${describeError(error)}\n`);
    // A stack trace only when asked for: a typed error or a file problem is explained by its one line.
    const debug = argv.includes('--debug') || process.env['ZERR_DEBUG'] === '1';
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else if (code === ExitCode.internal) process.stderr.write('zerr: this is a bug or an unexpected failure; run again with --debug for the stack trace\n');
    return code;
  } finally {
    clearInterval(keepAlive); // the EPIPE listener stays: the error can arrive after the command has returned
  }
}
