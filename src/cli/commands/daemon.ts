/**
 * @module cli/commands/daemon
 * `zerr daemon status|start|stop [--json]`: the analysis daemon (decision 016), which keeps TypeScript and ESLint
 * warm between `zerr verify` commands. `verify` starts it by itself when none runs (unless `--no-daemon` or
 * `ZERR_DAEMON=off`); it exits after 10 minutes without a request (`ZERR_DAEMON_IDLE_S`, or `start --idle-timeout`).
 * One daemon per user and build; its socket and log are in `$XDG_RUNTIME_DIR/zerr`, else `<tmpdir>/zerr-<uid>`
 * (`ZERR_DAEMON_DIR` overrides). Exit 0, also when there is nothing to stop; 1 when a daemon cannot be started.
 */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { positiveInt } from '../option-parsers.js';

interface DaemonOptions {
  json?: boolean;
}

/** Registers `daemon status|start|stop` on `program`. */
export function registerDaemonCommand(program: Command, setExit: (code: number) => void): void {
  const daemon = program.command('daemon').description('The analysis daemon that keeps type checking and linting warm between `zerr verify` runs');
  daemon.command('status').description('Show whether this build\'s analysis daemon runs: pid, uptime, requests, memory')
    .option('--json', 'JSON output: { running, ... }')
    .action(async (options: DaemonOptions) => {
      const { daemonStatus } = await import('../../verify/index.js');
      const status = await daemonStatus();
      if ('value' in status) {
        const s = status.value;
        if (options.json === true) process.stdout.write(`${JSON.stringify({ running: true, ...s }, null, 2)}\n`);
        else {
          const idle = s.lastRequestAt === null ? 'no request yet' : `last request ${Math.round((Date.now() - s.lastRequestAt) / 1000)} s ago`;
          process.stdout.write(`analysis daemon running: pid ${s.pid}, up ${Math.round((Date.now() - s.startedAt) / 1000)} s, ${s.requests} request${s.requests === 1 ? '' : 's'} (${idle}), ` +
            `${Math.round(s.rssBytes / 2 ** 20)} MiB resident, exits after ${Math.round(s.idleTimeoutMs / 1000)} s idle\nsocket ${s.socketPath} (build ${s.identity})\n`);
        }
      } else if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ running: false, socketPath: status.socketPath ?? null, reason: status.unavailable }, null, 2)}\n`);
      } else {
        process.stdout.write(`analysis daemon not running: ${status.unavailable}\n`);
      }
      setExit(ExitCode.ok);
    });
  daemon.command('start').description('Start this build\'s analysis daemon (zerr verify also starts it when needed) and wait until it answers')
    .option('--idle-timeout <seconds>', 'exit after this many seconds without a request (default 600, env ZERR_DAEMON_IDLE_S)', positiveInt('--idle-timeout'))
    .option('--json', 'JSON output: the daemon\'s status and alreadyRunning')
    .action(async (options: DaemonOptions & { idleTimeout?: number }) => {
      const { startDaemon } = await import('../../verify/index.js');
      let started;
      try {
        started = await startDaemon(process.env, options.idleTimeout === undefined ? {} : { idleTimeoutS: options.idleTimeout });
      } catch (error) {
        process.stderr.write(`zerr daemon start: ${error instanceof Error ? error.message : String(error)}\n`);
        setExit(ExitCode.internal);
        return;
      }
      const { status, alreadyRunning } = started;
      if (options.json === true) process.stdout.write(`${JSON.stringify({ alreadyRunning, ...status }, null, 2)}\n`);
      else process.stdout.write(`analysis daemon ${alreadyRunning ? 'already running' : 'started'}: pid ${status.pid}, socket ${status.socketPath}\n`);
      setExit(ExitCode.ok);
    });
  daemon.command('stop').description('Stop this build\'s analysis daemon')
    .option('--json', 'JSON output: { stopped, pid }')
    .action(async (options: DaemonOptions) => {
      const { stopDaemon } = await import('../../verify/index.js');
      const stopped = await stopDaemon();
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify('value' in stopped ? { stopped: true, pid: stopped.value.pid } : { stopped: false, reason: stopped.unavailable }, null, 2)}\n`);
      } else {
        process.stdout.write('value' in stopped ? `analysis daemon stopped (pid ${stopped.value.pid})\n` : `nothing to stop: ${stopped.unavailable}\n`);
      }
      setExit(ExitCode.ok);
    });
}
